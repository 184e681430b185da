package org.agreementledger.ledger.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How long an accepted Idempotency-Key is kept: by default for ever (a retry is safe whenever it comes); with a
 * retention, keys older than it are deleted every {@code sweep-interval}, and a retry with one records its command
 * anew. A bound on the table, whose claims grow slower as it outgrows the database's cache (docs/benchmarks.md, run Z39).
 */
@ConfigurationProperties("ledger.idempotency")
public record IdempotencyProperties(Duration retention, @DefaultValue("1h") Duration sweepInterval) {

    public IdempotencyProperties {
        // shorter than a client's retries after an outage and a retry would record its command twice
        if (retention != null && (retention.compareTo(Duration.ofHours(1)) < 0 || retention.compareTo(Duration.ofDays(36_500)) > 0)) {
            throw new IllegalArgumentException("ledger.idempotency.retention must be between 1h and 36500d, or unset to "
                    + "keep keys for ever, not " + retention);
        }
        if (sweepInterval.compareTo(Duration.ofMinutes(1)) < 0 || sweepInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("ledger.idempotency.sweep-interval must be between 1m and 1d, not " + sweepInterval);
        }
    }
}
