package org.agreementledger.projection.health;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * When the projection stops being ready (docs/operations.md "Readiness"): the views are {@code DEGRADED} when more
 * than {@code maxLag} records wait or the oldest has waited longer than {@code maxOldestUnappliedAge}, and
 * {@code OUT_OF_SERVICE} when a lagging partition's stored position has not moved for {@code stallAfter}.
 */
@ConfigurationProperties("projection.readiness")
@Validated
public record ReadinessProperties(
        @DefaultValue("10000") @Min(0) @Max(1_000_000_000) long maxLag,
        @DefaultValue("60s") @DurationMin @DurationMax(days = 1) Duration maxOldestUnappliedAge,
        @DefaultValue("60s") @DurationMin @DurationMax(days = 1) Duration stallAfter) {
}
