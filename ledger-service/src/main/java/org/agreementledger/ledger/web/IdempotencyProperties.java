package org.agreementledger.ledger.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How long an accepted Idempotency-Key is kept: by default for ever (a retry is safe whenever it comes); with a
 * retention, keys older than it are deleted every {@code sweep-interval}, and a retry with one records its command
 * anew. A bound on the table, whose claims grow slower as it outgrows the database's cache (docs/benchmarks.md, run Z39).
 */
@ConfigurationProperties("ledger.idempotency")
@Validated
public record IdempotencyProperties(
        // shorter than a client's retries after an outage and a retry would record its command twice
        @DurationMin(hours = 1) @DurationMax(days = 36_500) Duration retention,
        @DefaultValue("1h") @DurationMin(minutes = 1) @DurationMax(days = 1) Duration sweepInterval) {
}
