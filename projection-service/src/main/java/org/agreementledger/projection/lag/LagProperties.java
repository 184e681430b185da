package org.agreementledger.projection.lag;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** How often the topic's end offsets and the views' positions are read for {@code projection.lag}. */
@ConfigurationProperties("projection.lag")
@Validated
public record LagProperties(@DefaultValue("5s") @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration refreshInterval) {
}
