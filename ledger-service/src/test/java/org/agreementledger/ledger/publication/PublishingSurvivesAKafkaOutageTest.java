package org.agreementledger.ledger.publication;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.infra.EmbeddedKafkaBroker;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka is down; the ledger keeps accepting commands and publishes their events, in order, once it is back. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// its own broker or database is gone after the class: closed now, not kept retrying for the rest of the suite
@DirtiesContext
class PublishingSurvivesAKafkaOutageTest {

    private static final Path KAFKA_DIR;
    private static final int KAFKA_PORT = FreePorts.next();
    private static final int CONTROLLER_PORT = FreePorts.next();
    private static final String DATABASE_URL = SharedTestInfrastructure.get().freshDatabase("ledger-outage");
    private static EmbeddedKafkaBroker kafka;
    private static final org.agreementledger.infra.LocalIdentityProvider TOKENS;

    static {
        try {
            KAFKA_DIR = Files.createTempDirectory("outage-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka = EmbeddedKafkaBroker.start(KAFKA_DIR, KAFKA_PORT, CONTROLLER_PORT);
        try {
            TOKENS = org.agreementledger.infra.LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("outage-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        // the shared servers stop with the JVM too: do not wait for them when the context closes
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("ledger.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("ledger.kafka.delivery-timeout", () -> "4s");
        registry.add("ledger.checkpoints.key-directory", () -> System.getProperty("java.io.tmpdir") + "/ledger-test-checkpoint-keys");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + TOKENS.publicKeyFile().toAbsolutePath());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void commandsAreAcceptedWhileKafkaIsDownAndTheirEventsArePublishedInOrderOnceItIsBack() throws Exception {
        String warmUp = offer();
        assertThat(TopicReader.awaitRecords(kafka.bootstrapServers(), "ledger.agreement-events",
                r -> warmUp.equals(r.key()), 1, Duration.ofSeconds(20))).hasSize(1);

        kafka.close();
        String agreementId = offer();
        assertThat(amend(agreementId, "first counter-offer")).isEqualTo(200);
        assertThat(amend(agreementId, "second counter-offer")).isEqualTo(200);
        awaitPublicationFailures();

        kafka = EmbeddedKafkaBroker.start(KAFKA_DIR, KAFKA_PORT, CONTROLLER_PORT);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(kafka.bootstrapServers(),
                "ledger.agreement-events", r -> agreementId.equals(r.key()), 3, Duration.ofSeconds(90));

        // every event once, in order: no batch that failed during the outage left a copy behind
        List<String> sequences = records.stream().map(r -> TopicReader.header(r, EventHeaders.SEQUENCE)).toList();
        assertThat(sequences).containsExactly("0", "1", "2");
        assertThat(TopicReader.awaitRecords(kafka.bootstrapServers(), "ledger.agreement-events",
                r -> agreementId.equals(r.key()), 4, Duration.ofSeconds(3))).hasSize(3);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
    }

    /** The publisher has tried, and failed, to publish during the outage: the retry path is what this test is about. */
    private void awaitPublicationFailures() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (meters.find("ledger.publication.failures").counters().stream().mapToDouble(c -> c.count()).sum() < 1) {
            assertThat(System.nanoTime()).as("a failed publication attempt within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String offer() throws Exception {
        HttpResponse<String> response = post("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""", "GT");
        assertThat(response.statusCode()).isEqualTo(201);
        return json.readTree(response.body()).get("agreementId").asText();
    }

    private int amend(String agreementId, String title) throws Exception {
        return post("/agreements/" + agreementId + "/amendments",
                "{\"party\": \"US\", \"amendedOn\": \"2025-02-06\", \"title\": \"" + title
                        + "\", \"validity\": {\"from\": \"2025-02-06\"}}", "US").statusCode();
    }

    private HttpResponse<String> post(String path, String body, String country) throws Exception {
        String token = TOKENS.mint("service-" + country, country, java.util.List.of("ledger.write"), Duration.ofHours(1));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
