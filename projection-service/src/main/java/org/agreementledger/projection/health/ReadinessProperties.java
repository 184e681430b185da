package org.agreementledger.projection.health;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * When the projection stops being ready (docs/operations.md "Readiness"): the views are {@code DEGRADED} when more
 * than {@code maxLag} records wait or the oldest has waited longer than {@code maxOldestUnappliedAge}, and
 * {@code OUT_OF_SERVICE} when a lagging partition's stored position has not moved for {@code stallAfter}.
 */
@ConfigurationProperties("projection.readiness")
public record ReadinessProperties(
        @DefaultValue("10000") long maxLag,
        @DefaultValue("60s") Duration maxOldestUnappliedAge,
        @DefaultValue("60s") Duration stallAfter) {

    public ReadinessProperties {
        if (maxLag < 0 || maxOldestUnappliedAge.isNegative() || stallAfter.isNegative()) {
            throw new IllegalArgumentException("projection.readiness thresholds must not be negative");
        }
    }
}
