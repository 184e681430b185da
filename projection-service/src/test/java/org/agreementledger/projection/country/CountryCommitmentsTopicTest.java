package org.agreementledger.projection.country;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CountryCommitmentsTopicTest extends ProjectionIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void dashboardsReadingKafkaFindEachCountrysLatestCommitmentsOnACompactedTopic() throws Exception {
        CountryCode cr = CountryCode.of("CR");
        CountryCode us = CountryCode.of("US");
        AgreementId id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Costa Rica takes non-nationals in transit", List.of(
                new Commitment.AcceptPeople(cr, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT),
                        List.of(us), "CATEM", null, true)), List.of(), new Validity(LocalDate.of(2025, 2, 20), null));
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            records.publish(new AgreementOffered(id, us, List.of(us, cr), LocalDate.of(2025, 2, 20), terms, null), 0);
        }
        String bootstrap = SharedTestInfrastructure.get().kafka().bootstrapServers();

        JsonNode costaRica = latestFor("CR", id.value(), bootstrap);

        assertThat(costaRica.get("country").asText()).isEqualTo("CR");
        assertThat(costaRica.get("accepts").get(0).get("facility").asText()).isEqualTo("CATEM");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "ledger.country-commitments");
            assertThat(admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic)
                    .get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void aCountryWhoseViewOutgrowsTheTopicIsReportedWhileItsPartnersAreStillPublishedAndItIsPublishedOnceItShrinks()
            throws Exception {
        CountryCode za = CountryCode.of("ZA");
        CountryCode ls = CountryCode.of("LS");
        List<CountryCode> nationalities = Arrays.stream(Locale.getISOCountries()).limit(ContractLimits.MAX_LISTED_NATIONALITIES)
                .map(CountryCode::of).toList();
        // agreements at the contract's bounds: each 100 commitments of Lesotho listing 250 nationalities
        List<Commitment> commitments = new ArrayList<>();
        for (int i = 0; i < ContractLimits.MAX_COMMITMENTS; i++) {
            commitments.add(new Commitment.AcceptPeople(ls, NationalityScope.listed(nationalities),
                    Set.of(PersonCategory.values()), List.of(za), "F".repeat(ContractLimits.MAX_FACILITY_LENGTH), null,
                    false));
        }
        List<AgreementId> ids = new ArrayList<>();
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            for (int i = 0; i < 20; i++) {
                AgreementId id = AgreementId.generate();
                ids.add(id);
                records.publish(new AgreementOffered(id, za, List.of(za, ls), LocalDate.of(2025, 5, 1),
                        new AgreementTerms("T".repeat(ContractLimits.MAX_TITLE_LENGTH), commitments, List.of(),
                                new Validity(LocalDate.of(2025, 5, 1), null)), null), 0);
            }
        }
        String bootstrap = SharedTestInfrastructure.get().kafka().bootstrapServers();

        JsonNode component = awaitTopicHealth(health -> health.path("details").path("overTheBound").path("LS").path("viewBytes")
                .asLong() > CountryCommitmentsTopic.MAX_VIEW_BYTES, "Lesotho's view reported over the bound");
        assertThat(component.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(latestFor("ZA", "\"OFFERED\":20", bootstrap).get("agreementsByStatus").get("OFFERED").asLong())
                .as("South Africa, a party to the same agreements, is still published").isEqualTo(20);
        HttpResponse<String> rest = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/countries/LS/commitments")).header("Authorization", "Bearer " + dashboardToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(rest.body()).get("accepts")).as("REST answers the whole view").hasSize(2_000);
        assertThat(get("/actuator/prometheus")).containsPattern(
                "projection_commitments_topic_failures_total\\{[^}]*reason=\"too-large\"[^}]*} [1-9]");

        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            for (AgreementId id : ids) {
                records.publish(new OfferWithdrawn(id, za, LocalDate.of(2025, 5, 2), "superseded"), 1);
            }
        }
        assertThat(latestFor("LS", "\"WITHDRAWN\":20", bootstrap).get("accepts")).isEmpty();
        assertThat(awaitTopicHealth(health -> health.path("status").asText().equals("UP"), "the topic healthy again")
                .path("details").has("overTheBound")).isFalse();
    }

    private JsonNode awaitTopicHealth(Predicate<JsonNode> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode component = null;
        while (System.nanoTime() < deadline) {
            component = new ObjectMapper().readTree(get("/actuator/health")).path("components").path("commitmentsTopic");
            if (until.test(component)) {
                return component;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("never " + what + ": " + component);
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode latestFor(String country, String mustMention, String bootstrap) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition("ledger.country-commitments", 0);
            while (System.nanoTime() < deadline) {
                if (!consumer.partitionsFor("ledger.country-commitments").isEmpty()) {
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                    JsonNode latest = null;
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        if (country.equals(record.key())) {
                            latest = json.readTree(record.value());
                        }
                    }
                    if (latest != null && latest.toString().contains(mustMention)) {
                        return latest;
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no commitments of " + country + " on the topic");
    }
}
