package org.agreementledger.ledger.faults;

import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.infra.EmbeddedPostgresServer;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stops, or hangs, under a running ledger: commands are answered 503 problem+json with Retry-After within
 * seconds, never a hang or a 500, health answers DOWN promptly, and once PostgreSQL is back the same request (same
 * Idempotency-Key) succeeds without restarting the service, exactly once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// its own broker or database is gone after the class: closed now, not kept retrying for the rest of the suite
@DirtiesContext
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
        registry.add("spring.datasource.hikari.data-source-properties.socketTimeout", () -> SOCKET_TIMEOUT_SECONDS);
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

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource commands;

    @Autowired
    Flyway flyway;

    @Test
    void aStatementOfACommandWaitsAtMostTheSocketTimeoutButAMigrationIsNotCutByIt() throws SQLException {
        try (Connection command = commands.getConnection();
             Connection migration = flyway.getConfiguration().getDataSource().getConnection()) {
            assertThat(command.getNetworkTimeout()).isEqualTo(SOCKET_TIMEOUT_SECONDS * 1_000);
            assertThat(migration.getNetworkTimeout()).as("no timeout").isZero();
        }
    }

    @Test
    void aCheckpointIsSignedEvenWhenReadingItsHeadsOutlastsTheSocketTimeout() throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt-service", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        String agreementId = guatemala.json(guatemala.post("/agreements", OFFER)).get("agreementId").asText();
        LedgerHttp operator = new LedgerHttp(port, TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1)));
        // a checkpoint reads heads only once the publisher has had one acknowledged
        long published = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!agreements(operator.post("/admin/checkpoints", "")).contains(agreementId) && System.nanoTime() < published) {
            Thread.sleep(200);
        }
        Duration held = Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 2);
        HttpResponse<String> checkpoint;
        long started;
        ExecutorService caller = Executors.newSingleThreadExecutor();
        // the heads' read waits on the lock as it would on a long scan of a large event store
        try (Connection locker = commands.getConnection()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE domainevententry IN ACCESS EXCLUSIVE MODE");
            started = System.nanoTime();
            Future<HttpResponse<String>> answer = caller.submit(() -> operator.post("/admin/checkpoints", ""));
            Thread.sleep(held.toMillis());
            locker.rollback();
            checkpoint = answer.get(30, TimeUnit.SECONDS);
        } finally {
            caller.shutdownNow();
        }
        assertThat(checkpoint.statusCode()).as(checkpoint.body()).isEqualTo(201);
        assertThat(agreements(checkpoint)).contains(agreementId);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(held);
    }

    private static List<String> agreements(HttpResponse<String> checkpoint) {
        return checkpoint.statusCode() != 201 ? List.of() : Checkpoint.fromJson(checkpoint.body().getBytes()).heads()
                .stream().map(Checkpoint.Head::agreementId).toList();
    }

    @Test
    void withPostgresHungUnderLoadEveryCommandIsAnsweredWithinSecondsAndEachKeyIsRecordedOnce() throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt-service", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        assertThat(guatemala.post("/agreements", HUNG_OFFER).statusCode()).isEqualTo(201);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Future<Map<String, Integer>>> callers = new ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
            int caller = client;
            callers.add(clients.submit(() -> {
                Map<String, Integer> answers = new LinkedHashMap<>();
                for (int request = 0; sending.get(); request++) {
                    String key = "hung-" + caller + "-" + request;
                    answers.put(key, guatemala.post("/agreements", HUNG_OFFER, Map.of("Idempotency-Key", key)).statusCode());
                }
                return answers;
            }));
        }
        Thread.sleep(1_000);
        EmbeddedPostgresServer.Hung hung = postgres.hang();
        Map<String, Integer> answers = new LinkedHashMap<>();
        try {
            Thread.sleep(1_000);
            sending.set(false);
            // a request in flight when PostgreSQL froze waits for its statement's answer: at most the socket timeout
            for (Future<Map<String, Integer>> caller : callers) {
                answers.putAll(caller.get(20, TimeUnit.SECONDS));
            }
            long started = System.nanoTime();
            HttpResponse<String> refused = guatemala.post("/agreements", HUNG_OFFER, Map.of("Idempotency-Key", "hung-after"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            answers.put("hung-after", refused.statusCode());
            assertThat(probe("readiness")).as("health tells the truth while PostgreSQL hangs").isEqualTo(503);
        } finally {
            hung.close();
            clients.shutdownNow();
        }
        assertThat(answers.values()).as("every answer during the hang: recorded, or 503 to retry").allMatch(
                status -> status == 201 || status == 503).contains(503);

        Set<String> agreements = new HashSet<>();
        for (String key : answers.keySet()) {
            HttpResponse<String> retried = retryUntilAnswered(guatemala, HUNG_OFFER, key);
            assertThat(retried.statusCode()).as(key + ": " + retried.body()).isEqualTo(201);
            agreements.add(guatemala.json(retried).get("agreementId").asText());
        }
        assertThat(agreements).hasSize(answers.size());
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM domainevententry WHERE payloadtype = 'org.agreementledger.contract.AgreementOffered'
                AND convert_from(payload, 'UTF8') LIKE '%Hung database%'""", Long.class))
                .as("one offer per key and the one before the hang: none lost, none twice").isEqualTo(answers.size() + 1);
    }

    @Test
    void withPostgresDownCommandsAre503WithRetryAfterAndSucceedOnceItIsBack() throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt-service", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        assertThat(guatemala.post("/agreements", OFFER).statusCode()).isEqualTo(201);

        postgres.close();
        // the first command meets the connections PostgreSQL closed ("Broken pipe"): Spring MVC alone took that for the
        // client going away and answered 200 with no body
        HttpResponse<String> unkeyed = guatemala.post("/agreements", OFFER);
        assertThat(unkeyed.statusCode()).as(unkeyed.body()).isEqualTo(503);
        assertThat(unkeyed.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
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
        HttpResponse<String> accepted = retryUntilAnswered(guatemala, OFFER, "offer-during-outage");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        HttpResponse<String> again = guatemala.post("/agreements", OFFER, Map.of("Idempotency-Key", "offer-during-outage"));
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(accepted.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    private static HttpResponse<String> retryUntilAnswered(LedgerHttp caller, String offer, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> response;
        do {
            response = caller.post("/agreements", offer, Map.of("Idempotency-Key", key));
            if (response.statusCode() != 503) {
                return response;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return response;
    }

    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""";

    private static final String HUNG_OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "Hung database", "offeredOn": "2025-02-05"}""";
    private static final int CLIENTS = 4;
    /** Shorter than the shipped 10 s, so that waiting past it costs this test seconds rather than tens of them. */
    private static final int SOCKET_TIMEOUT_SECONDS = 4;

    private int probe(String name) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/" + name))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
