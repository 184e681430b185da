package org.agreementledger.ledger.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Deletes the Idempotency-Keys older than {@code ledger.idempotency.retention}, when one is set; none otherwise. In
 * statements over a bounded stretch of the table, each its own transaction, so that a first sweep over years of keys
 * holds no lock long and claims go on beside it. A sweep that fails (the database down, a statement past the socket
 * timeout) is logged, counted, and tried again at the next interval; the time of the last one that finished is a
 * gauge, so that an alert can tell keys that are no longer being expired (docs/operations.md#alerts).
 */
@Component
class IdempotencyKeyRetention {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyRetention.class);
    /** 2 MiB of table a statement: some 2,000 keys of the ledger's usual size, at most about 15,000 of the smallest. */
    private static final int BLOCKS_PER_STATEMENT = 256;

    private final JdbcTemplate jdbc;
    private final IdempotencyProperties properties;
    private final Clock clock;
    private final Counter expired;
    private final Counter failures;
    private volatile double lastSuccessAt = Double.NaN;

    IdempotencyKeyRetention(JdbcTemplate jdbc, IdempotencyProperties properties, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.expired = Counter.builder("ledger.idempotency.keys.expired")
                .description("Idempotency-Keys deleted for being older than ledger.idempotency.retention")
                .register(meters);
        this.failures = Counter.builder("ledger.idempotency.sweep.failures")
                .description("Sweeps of expired Idempotency-Keys that failed; each is tried again at the next interval")
                .register(meters);
        // Epoch seconds, NaN before the first sweep that finished (and always without a retention)
        Gauge.builder("ledger.idempotency.sweep.last.success", this, self -> self.lastSuccessAt)
                .baseUnit("seconds").description("When the latest sweep of expired Idempotency-Keys finished, seconds since the epoch")
                .strongReference(true).register(meters);
        Gauge.builder("ledger.idempotency.sweep.interval", properties, p -> p.sweepInterval().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.idempotency.sweep-interval").strongReference(true).register(meters);
        Gauge.builder("ledger.idempotency.retention", properties,
                        p -> p.retention() == null ? 0 : p.retention().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.idempotency.retention; 0 when keys are kept for ever")
                .strongReference(true).register(meters);
    }

    @Scheduled(fixedDelayString = "${ledger.idempotency.sweep-interval:1h}", initialDelayString = "${ledger.idempotency.sweep-interval:1h}")
    void sweep() {
        if (properties.retention() == null) {
            return;
        }
        try {
            long started = System.nanoTime();
            long deleted = deleteClaimedBefore(Instant.now(clock).minus(properties.retention()));
            lastSuccessAt = clock.millis() / 1000.0;
            if (deleted > 0) {
                log.info("Deleted {} Idempotency-Keys older than {} in {} ms", deleted, properties.retention(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("Could not delete the expired Idempotency-Keys; will try again: {}", e.getMessage());
        }
    }

    /**
     * Deletes every key claimed before {@code cutoff}; how many. First finds, in one streamed pass, which stretches of
     * {@value #BLOCKS_PER_STATEMENT} table blocks hold such keys; then deletes them stretch by stretch, each statement
     * reading only its own blocks. Deleting "the next 10,000 expired rows" instead re-read the rows its earlier
     * statements had deleted (dead until VACUUM) every time: 2 million keys took 36 s where 1 million took 14.
     */
    long deleteClaimedBefore(Instant cutoff) {
        Timestamp before = Timestamp.from(cutoff);
        long total = 0;
        for (long stretch : stretchesHoldingKeysClaimedBefore(before)) {
            int deleted = jdbc.update("DELETE FROM idempotency_key WHERE ctid >= ?::tid AND ctid < ?::tid AND created_at < ?",
                    firstTupleOfBlock(stretch * BLOCKS_PER_STATEMENT), firstTupleOfBlock((stretch + 1) * BLOCKS_PER_STATEMENT),
                    before);
            total += deleted;
            expired.increment(deleted);
        }
        return total;
    }

    /**
     * Streamed 100 rows a fetch (each row one stretch: consecutive duplicates are dropped in the database), so that a
     * wait for PostgreSQL lasts as long as finding 100 stretches, not the whole pass, however many keys have expired.
     */
    private SortedSet<Long> stretchesHoldingKeysClaimedBefore(Timestamp before) {
        return jdbc.execute((ConnectionCallback<SortedSet<Long>>) connection -> {
            SortedSet<Long> stretches = new TreeSet<>();
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT stretch FROM (
                        SELECT stretch, lag(stretch) OVER () AS previous FROM (
                            SELECT (ctid::text::point)[0]::bigint / ? AS stretch FROM idempotency_key WHERE created_at < ?) k) s
                    WHERE previous IS DISTINCT FROM stretch""")) {
                statement.setFetchSize(100);
                statement.setInt(1, BLOCKS_PER_STATEMENT);
                statement.setTimestamp(2, before);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        stretches.add(rows.getLong(1));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
            return stretches;
        });
    }

    private static String firstTupleOfBlock(long block) {
        return "(" + block + ",0)";
    }
}
