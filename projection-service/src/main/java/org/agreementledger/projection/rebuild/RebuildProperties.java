package org.agreementledger.projection.rebuild;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How a rebuild runs: {@code parallelism} consumers replay the partitions at once (more than there are partitions
 * do nothing); dropping the replaced views waits at most {@code oldViewsLockWait} for queries still reading them.
 */
@ConfigurationProperties("projection.rebuild")
@Validated
public record RebuildProperties(
        @DefaultValue("2") @Min(1) @Max(64) int parallelism,
        // PostgreSQL's lock_timeout takes whole milliseconds, and 0 would mean waiting for ever
        @DefaultValue("10s") @DurationMin(millis = 1) @DurationMax(hours = 1) Duration oldViewsLockWait) {
}
