package org.agreementledger.ledger.web;

import io.micrometer.core.instrument.Counter;
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
 * no lock long and claims go on beside it.
 */
@Component
class IdempotencyKeyRetention {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyRetention.class);
    private static final int ROWS_PER_STATEMENT = 10_000;

    private final JdbcTemplate jdbc;
    private final IdempotencyProperties properties;
    private final Clock clock;
    private final Counter expired;

    IdempotencyKeyRetention(JdbcTemplate jdbc, IdempotencyProperties properties, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.expired = Counter.builder("ledger.idempotency.keys.expired")
                .description("Idempotency-Keys deleted for being older than ledger.idempotency.retention")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${ledger.idempotency.sweep-interval:1h}", initialDelayString = "${ledger.idempotency.sweep-interval:1h}")
    void sweep() {
        if (properties.retention() == null) {
            return;
        }
        try {
            long deleted = deleteClaimedBefore(Instant.now(clock).minus(properties.retention()));
            if (deleted > 0) {
                log.info("Deleted {} Idempotency-Keys older than {}", deleted, properties.retention());
            }
        } catch (RuntimeException e) {
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
