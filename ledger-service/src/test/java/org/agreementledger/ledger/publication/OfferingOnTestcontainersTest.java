package org.agreementledger.ledger.publication;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.ledger.support.TopicReader;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same story on containerised PostgreSQL and Kafka, for machines with a Docker engine; skipped
 * (not failed) where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OfferingOnTestcontainersTest {

    @Container
    static final PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:16")
            .withDatabaseName("ledger").withUsername("ledger").withPassword("ledger");

    @Container
    static final KafkaContainer kafka = new KafkaContainer("apache/kafka:3.9.1");

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", postgres::getJdbcUrl);
        registry.add("spring.datasource.username", postgres::getUsername);
        registry.add("spring.datasource.password", postgres::getPassword);
        registry.add("ledger.kafka.bootstrap-servers", kafka::getBootstrapServers);
        registry.add("ledger.checkpoints.key-directory", () -> System.getProperty("java.io.tmpdir") + "/ledger-test-checkpoint-keys");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + TOKENS.publicKeyFile().toAbsolutePath());
    }

    private static final org.agreementledger.infra.LocalIdentityProvider TOKENS = tokens();

    private static org.agreementledger.infra.LocalIdentityProvider tokens() {
        try {
            return org.agreementledger.infra.LocalIdentityProvider.loadOrCreate(java.nio.file.Files.createTempDirectory("tc-keys"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @Test
    void anOfferIsStoredAndPublishedOnContainerisedInfrastructure() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/agreements"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKENS.mint("service-sv", "SV",
                                java.util.List.of("ledger.write"), Duration.ofHours(1)))
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"offeringParty": "SV", "otherParties": ["US"], "title": "CECOT", "offeredOn": "2025-02-03"}"""))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        String agreementId = new ObjectMapper().readTree(response.body()).get("agreementId").asText();

        var records = TopicReader.awaitRecords(kafka.getBootstrapServers(), "ledger.agreement-events",
                r -> agreementId.equals(r.key()), 1, Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        assertThat(TopicReader.header(records.get(0), EventHeaders.TYPE)).isEqualTo("AgreementOffered");
    }
}
