package org.agreementledger.projection.faults;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.EmbeddedPostgresServer;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.support.LedgerRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
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
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL hangs under a running projection (its host frozen, a storage stall): every query is answered within
 * seconds, 503 with Retry-After, health tells the truth, no event is parked for the database's fault, and once
 * PostgreSQL answers again the views catch up on what arrived meanwhile. A rebuild's statements over whole schemas
 * are not cut by the timeout that bounds the queries.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// its own database is gone after the class: closed now, not kept retrying for the rest of the suite
@DirtiesContext
class DatabaseHangsTest {

    /** Shorter than the shipped 10 s, so that waiting past it costs this test seconds rather than tens of them. */
    private static final int SOCKET_TIMEOUT_SECONDS = 4;
    private static final int READERS = 4;
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final LocalDate FEB_5 = LocalDate.of(2025, 2, 5);

    private static final Path DATA;
    private static final LocalIdentityProvider TOKENS;
    private static final String TOPIC = SharedTestInfrastructure.get().freshTopic("projection-hung-db-events", 3);
    private static final EmbeddedPostgresServer postgres;

    static {
        try {
            DATA = Files.createTempDirectory("projection-hung-pg").resolve("data");
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("projection-hung-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        postgres = EmbeddedPostgresServer.start(DATA, FreePorts.next(), false);
        postgres.createDatabase("projection", "projection", "projection");
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl("projection"));
        registry.add("spring.datasource.hikari.data-source-properties.socketTimeout", () -> SOCKET_TIMEOUT_SECONDS);
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("projection.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("projection.kafka.topic", () -> TOPIC);
        registry.add("projection.kafka.group-id", () -> "projection-" + TOPIC);
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
    DataSource views;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withPostgresHungEveryQueryIsAnsweredWithinSecondsAndTheViewsCatchUpOnceItIsBack() throws Exception {
        LedgerRecords records = new LedgerRecords(TOPIC);
        AgreementId before = offer(records, "before the hang");
        assertThat(awaitStatus("/agreements/" + before, 200)).isEqualTo(200);

        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        AtomicBoolean reading = new AtomicBoolean(true);
        List<Future<List<Integer>>> answers = new ArrayList<>();
        for (int reader = 0; reader < READERS; reader++) {
            answers.add(readers.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                while (reading.get()) {
                    statuses.add(get("/agreements/" + before).statusCode());
                }
                return statuses;
            }));
        }
        Thread.sleep(1_000);
        EmbeddedPostgresServer.Hung hung = postgres.hang();
        List<AgreementId> during = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                during.add(offer(records, "during the hang " + i));
            }
            Thread.sleep(1_000);
            reading.set(false);
            // a query in flight when PostgreSQL froze waits for its statement's answer: at most the socket timeout
            for (Future<List<Integer>> reader : answers) {
                statuses.addAll(reader.get(20, TimeUnit.SECONDS));
            }
            long started = System.nanoTime();
            HttpResponse<String> refused = get("/agreements/" + before);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 6));
            assertThat(probe("/actuator/health/readiness")).as("readiness tells the truth while PostgreSQL hangs").isEqualTo(503);
        } finally {
            hung.close();
            readers.shutdownNow();
        }
        assertThat(statuses).as("every answer during the hang: the view, or 503 to retry").allMatch(
                status -> status == 200 || status == 503).contains(503);

        for (AgreementId agreement : during) {
            assertThat(awaitStatus("/agreements/" + agreement, 200)).as(agreement.value()).isEqualTo(200);
        }
        HttpResponse<String> parked = http.send(request("/admin/parked-events",
                TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1))), HttpResponse.BodyHandlers.ofString());
        assertThat(parked.body()).as("nothing parked for the database's fault").isEqualTo("[]");
        assertThat(awaitStatus("/actuator/health/readiness", 200)).isEqualTo(200);
        records.close();
    }

    @Test
    void aRebuildWhoseStatementsWaitLongerThanTheSocketTimeoutStillSwapsInIdenticalViews() throws Exception {
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            AgreementId agreement = offer(records, "rebuilt while the views are locked");
            assertThat(awaitStatus("/agreements/" + agreement, 200)).isEqualTo(200);
        }
        Duration held = Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 2);
        HttpResponse<String> rebuilt;
        long started;
        ExecutorService operator = Executors.newSingleThreadExecutor();
        // the rebuild's schema work waits on the lock as it would on a rewrite or an index of millions of rows
        try (Connection locker = views.getConnection()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE views.fee_balance IN ACCESS EXCLUSIVE MODE");
            started = System.nanoTime();
            String token = TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1));
            Future<HttpResponse<String>> answer = operator.submit(() -> http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/admin/rebuild")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(held.toMillis());
            locker.rollback();
            rebuilt = answer.get(60, TimeUnit.SECONDS);
        } finally {
            operator.shutdownNow();
        }
        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
        assertThat(rebuilt.body()).contains("\"identical\":true");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(held);
        try (Connection query = views.getConnection()) {
            assertThat(query.getNetworkTimeout()).as("the pool's timeout is back on the connections queries borrow")
                    .isEqualTo(SOCKET_TIMEOUT_SECONDS * 1_000);
        }
    }

    private static AgreementId offer(LedgerRecords records, String title) {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), FEB_5,
                new AgreementTerms(title, List.of(), List.of(), new Validity(FEB_5, null)), null), 0);
        return id;
    }

    private int awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last;
        do {
            last = path.startsWith("/actuator") ? probe(path) : get(path).statusCode();
            if (last == status) {
                return last;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return last;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path, TOKENS.mint("dashboard", null, List.of("ledger.read"), Duration.ofHours(1))),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
    }

    private int probe(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
