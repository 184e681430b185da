package org.agreementledger.ledger.faults;

import org.agreementledger.infra.EmbeddedPostgresServer;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stops under a running ledger: commands are answered 503 problem+json with Retry-After within seconds,
 * never a hang or a 500, health answers DOWN promptly, and once PostgreSQL is back the same request (same
 * Idempotency-Key) succeeds without restarting the service, exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseOutageTest {

    private static final Path DATA;
    private static final int PORT = FreePorts.next();
    private static final LocalIdentityProvider TOKENS;
    private static EmbeddedPostgresServer postgres;

    static {
        try {
            DATA = Files.createTempDirectory("ledger-outage-pg").resolve("data");
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("ledger-outage-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        postgres = EmbeddedPostgresServer.start(DATA, PORT, false);
        postgres.createDatabase("ledger", "ledger", "ledger");
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl("ledger"));
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("ledger.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("ledger.kafka.topic", () -> SharedTestInfrastructure.get().freshTopic("ledger-outage-events", 3));
        registry.add("ledger.checkpoints.key-directory", () -> DATA.getParent().resolve("checkpoint-keys").toString());
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + TOKENS.publicKeyFile().toAbsolutePath());
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @LocalServerPort
    int port;

    @Test
    void withPostgresDownCommandsAre503WithRetryAfterAndSucceedOnceItIsBack() throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt-service", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        assertThat(guatemala.post("/agreements", OFFER).statusCode()).isEqualTo(201);

        postgres.close();
        long started = System.nanoTime();
        HttpResponse<String> refused = guatemala.post("/agreements", OFFER, Map.of("Idempotency-Key", "offer-during-outage"));
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(answeredIn).isLessThan(Duration.ofSeconds(8));

        started = System.nanoTime();
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health")).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(probe("readiness")).as("a ledger without its database takes no commands: not ready").isEqualTo(503);
        assertThat(probe("liveness")).as("but nothing a restart would fix: still live").isEqualTo(200);

        postgres = EmbeddedPostgresServer.start(DATA, PORT, false);
        HttpResponse<String> accepted = retryUntilAnswered(guatemala);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        HttpResponse<String> again = guatemala.post("/agreements", OFFER, Map.of("Idempotency-Key", "offer-during-outage"));
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(accepted.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    private static HttpResponse<String> retryUntilAnswered(LedgerHttp caller) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> response;
        do {
            response = caller.post("/agreements", OFFER, Map.of("Idempotency-Key", "offer-during-outage"));
            if (response.statusCode() != 503) {
                return response;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return response;
    }

    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""";

    private int probe(String name) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/" + name))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
