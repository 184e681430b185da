package org.agreementledger.projection.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.projection.support.LedgerRecords;
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
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The projection on containerised PostgreSQL and Kafka; skipped where there is no Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AgreementViewOnTestcontainersTest {

    @Container
    static final PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:16")
            .withDatabaseName("projection").withUsername("projection").withPassword("projection");

    @Container
    static final KafkaContainer kafka = new KafkaContainer("apache/kafka:3.9.1");

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", postgres::getJdbcUrl);
        registry.add("spring.datasource.username", postgres::getUsername);
        registry.add("spring.datasource.password", postgres::getPassword);
        registry.add("projection.kafka.bootstrap-servers", kafka::getBootstrapServers);
        registry.add("projection.kafka.topic", () -> "ledger.agreement-events");
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
    void anOfferOnTheTopicBecomesAViewOnContainerisedInfrastructure() throws Exception {
        AgreementId id = AgreementId.generate();
        try (LedgerRecords records = new LedgerRecords("ledger.agreement-events", kafka.getBootstrapServers())) {
            records.publish(new AgreementOffered(id, CountryCode.of("GT"), List.of(CountryCode.of("GT"), CountryCode.of("US")),
                    LocalDate.of(2025, 2, 5), AgreementViewTest.terms("Safe third country", LocalDate.of(2025, 2, 5)), null), 0);
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response;
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            Thread.sleep(100);
            response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/agreements/" + id))
                            .header("Authorization", "Bearer " + TOKENS.mint("dashboard", null, List.of("ledger.read"),
                                    java.time.Duration.ofHours(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } while (response.statusCode() != 200 && System.currentTimeMillis() < deadline);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"offeringParty\":\"GT\"");
    }
}
