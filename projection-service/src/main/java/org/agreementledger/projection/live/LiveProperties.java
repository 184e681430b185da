package org.agreementledger.projection.live;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The live feed ({@link LiveFeed}): how many subscriptions one instance holds at once (each about 260 KB of its
 * memory, docs/operations.md), and how often each gets a keep-alive comment.
 */
@ConfigurationProperties("projection.live")
@Validated
public record LiveProperties(@DefaultValue("1000") @Min(1) @Max(100_000) int maxSubscribers,
                             @DefaultValue("15s") @DurationMin(seconds = 1) @DurationMax(minutes = 10) Duration heartbeat) {
}
