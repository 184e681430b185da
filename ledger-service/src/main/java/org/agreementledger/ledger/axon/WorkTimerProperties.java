package org.agreementledger.ledger.axon;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How long a command's or a processor batch's unit of work may run ({@link WorkTimer}): warned about after
 * {@code warning}, again every {@code warningInterval}, interrupted at {@code limit}: Axon's warning and limit, with a
 * warning every ten seconds rather than every second.
 */
@ConfigurationProperties("ledger.work-timer")
@Validated
record WorkTimerProperties(@DefaultValue("10s") @DurationMin(millis = 1) @DurationMax(hours = 1) Duration warning,
                           @DefaultValue("10s") @DurationMin(millis = 1) @DurationMax(hours = 1) Duration warningInterval,
                           @DefaultValue("60s") @DurationMin(millis = 1) @DurationMax(hours = 1) Duration limit) {

    WorkTimerProperties {
        if (limit.compareTo(warning) < 0) {
            throw new IllegalArgumentException("ledger.work-timer.limit must not be shorter than ledger.work-timer.warning");
        }
    }
}
