package org.agreementledger.ledger.web;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeyRetentionTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "Kept a while", "offeredOn": "2025-02-05"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IdempotencyKeyRetention retention;

    @Autowired
    DataSource dataSource;

    @Test
    void aKeyOlderThanTheRetentionIsForgottenSoARetryWithItRecordsAnewWhileAYoungerOneStillReplays() {
        LedgerHttp ledger = as(port, "GT");
        Map<String, String> old = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        Map<String, String> young = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        HttpResponse<String> first = ledger.post("/agreements", OFFER, old);
        HttpResponse<String> recent = ledger.post("/agreements", OFFER, young);
        jdbc.update("UPDATE idempotency_key SET created_at = now() - interval '40 days' WHERE idempotency_key = ?",
                "integration-service-gt " + old.get("Idempotency-Key"));

        retention.sweep();
        assertThat(ledger.post("/agreements", OFFER, old).headers().firstValue("Idempotent-Replayed"))
                .as("no retention is set: every key is kept").hasValue("true");

        long deleted = retention.deleteClaimedBefore(Instant.now().minus(Duration.ofDays(30)));
        HttpResponse<String> afterRetention = ledger.post("/agreements", OFFER, old);
        HttpResponse<String> youngRetry = ledger.post("/agreements", OFFER, young);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(deleted).isEqualTo(1);
        assertThat(afterRetention.statusCode()).isEqualTo(201);
        assertThat(afterRetention.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(afterRetention.headers().firstValue("Location")).isNotEqualTo(first.headers().firstValue("Location"));
        assertThat(youngRetry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(youngRetry.body()).isEqualTo(recent.body());
    }

    @Test
    void aSweepDeletesEveryExpiredKeyAcrossTheTableAndNoYoungerOneBesideThem() {
        // 40,000 keys, every other one 40 days old, spread over some 600 blocks: a young key beside each expired one
        jdbc.update("""
                INSERT INTO idempotency_key (idempotency_key, request_hash, agreement_id, response_status, created_at)
                SELECT 'sweep-test ' || g, repeat('0', 64), 'a', 201,
                       CASE WHEN g % 2 = 0 THEN now() - interval '40 days' ELSE now() END
                FROM generate_series(1, 40000) g""");

        long deleted = retention.deleteClaimedBefore(Instant.now().minus(Duration.ofDays(30)));

        assertThat(deleted).isGreaterThanOrEqualTo(20_000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_key WHERE idempotency_key LIKE 'sweep-test %'"
                + " AND created_at < now() - interval '30 days'", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_key WHERE idempotency_key LIKE 'sweep-test %'",
                Long.class)).isEqualTo(20_000);
    }

    @Test
    void aSweepThatCannotReachTheDatabaseIsCountedAndTheTimeOfTheLastOneThatFinishedStaysForTheAlert() {
        DelegatingDataSource database = new DelegatingDataSource(dataSource);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        IdempotencyKeyRetention thirtyDays = new IdempotencyKeyRetention(new JdbcTemplate(database),
                new IdempotencyProperties(Duration.ofDays(30), Duration.ofHours(2)), Clock.systemUTC(), meters);
        assertThat(meters.get("ledger.idempotency.sweep.last.success").gauge().value()).as("before any sweep").isNaN();
        assertThat(meters.get("ledger.idempotency.retention").gauge().value()).isEqualTo(30 * 86_400.0);
        assertThat(meters.get("ledger.idempotency.sweep.interval").gauge().value()).isEqualTo(7_200.0);

        long before = Instant.now().getEpochSecond();
        thirtyDays.sweep();
        double finished = meters.get("ledger.idempotency.sweep.last.success").gauge().value();
        database.setTargetDataSource(new DriverManagerDataSource("jdbc:postgresql://localhost:1/ledger", "ledger", "ledger"));
        thirtyDays.sweep();
        thirtyDays.sweep();

        assertThat(finished).isBetween((double) before, Instant.now().getEpochSecond() + 1.0);
        assertThat(meters.get("ledger.idempotency.sweep.failures").counter().count()).isEqualTo(2);
        assertThat(meters.get("ledger.idempotency.sweep.last.success").gauge().value()).isEqualTo(finished);
    }

    @Test
    void keptForEverIsARetentionOfZeroAndNeverASweep() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new IdempotencyKeyRetention(jdbc, new IdempotencyProperties(null, Duration.ofHours(1)), Clock.systemUTC(), meters).sweep();

        assertThat(meters.get("ledger.idempotency.retention").gauge().value()).isZero();
        assertThat(meters.get("ledger.idempotency.sweep.last.success").gauge().value()).isNaN();
    }
}
