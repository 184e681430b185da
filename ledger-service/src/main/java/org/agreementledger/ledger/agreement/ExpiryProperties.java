package org.agreementledger.ledger.agreement;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * When {@link ExpiryWatch} looks for agreements whose validity has ended: every {@code checkInterval} after the end of
 * the previous check, the first {@code initialDelay} after the start. Its {@code @Scheduled} reads the same keys; they
 * are bounded here, so that a start with an interval of 0 (a check without pause) is refused.
 */
@ConfigurationProperties("ledger.expiry")
@Validated
record ExpiryProperties(@DefaultValue("60s") @DurationMin(seconds = 1) @DurationMax(days = 1) Duration checkInterval,
                        @DefaultValue("10s") @DurationMin @DurationMax(days = 1) Duration initialDelay) {
}
