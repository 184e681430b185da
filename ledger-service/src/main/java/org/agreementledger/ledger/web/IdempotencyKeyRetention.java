package org.agreementledger.ledger.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/**
 * Deletes the Idempotency-Keys older than {@code ledger.idempotency.retention}, when one is set; none otherwise. In
 * statements of a bounded number of rows, each its own transaction, so that a first sweep over years of keys holds
 * no lock long and claims go on beside it. A sweep that fails (the database down, a statement past the socket
 * timeout) is logged, counted, and tried again at the next interval; the time of the last one that finished is a
 * gauge, so that an alert can tell keys that are no longer being expired (docs/operations.md#alerts).
 */
@Component
class IdempotencyKeyRetention {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyRetention.class);
    private static final int ROWS_PER_STATEMENT = 10_000;

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
                .register(meters);
        Gauge.builder("ledger.idempotency.sweep.interval", properties, p -> p.sweepInterval().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.idempotency.sweep-interval").register(meters);
        Gauge.builder("ledger.idempotency.retention", properties,
                        p -> p.retention() == null ? 0 : p.retention().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.idempotency.retention; 0 when keys are kept for ever").register(meters);
    }

    @Scheduled(fixedDelayString = "${ledger.idempotency.sweep-interval:1h}", initialDelayString = "${ledger.idempotency.sweep-interval:1h}")
    void sweep() {
        if (properties.retention() == null) {
            return;
        }
        try {
            long deleted = deleteClaimedBefore(Instant.now(clock).minus(properties.retention()));
            lastSuccessAt = clock.millis() / 1000.0;
            if (deleted > 0) {
                log.info("Deleted {} Idempotency-Keys older than {}", deleted, properties.retention());
            }
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("Could not delete the expired Idempotency-Keys; will try again: {}", e.getMessage());
        }
    }

    /** Deletes every key claimed before {@code cutoff}; how many. */
    long deleteClaimedBefore(Instant cutoff) {
        long total = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM idempotency_key WHERE created_at < ? LIMIT ?))""",
                    Timestamp.from(cutoff), ROWS_PER_STATEMENT);
            total += deleted;
            expired.increment(deleted);
        } while (deleted == ROWS_PER_STATEMENT);
        return total;
    }
}
