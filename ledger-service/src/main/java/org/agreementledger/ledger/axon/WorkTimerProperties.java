package org.agreementledger.ledger.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How long a command's or a processor batch's unit of work may run ({@link WorkTimer}): warned about after
 * {@code warning}, again every {@code warningInterval}, interrupted at {@code limit}: Axon's warning and limit, with a
 * warning every ten seconds rather than every second.
 */
@ConfigurationProperties("ledger.work-timer")
record WorkTimerProperties(@DefaultValue("10s") Duration warning, @DefaultValue("10s") Duration warningInterval,
                           @DefaultValue("60s") Duration limit) {

    WorkTimerProperties {
        if (warning.isNegative() || warning.isZero() || warningInterval.isNegative() || warningInterval.isZero()) {
            throw new IllegalArgumentException("ledger.work-timer.warning and warning-interval must be positive");
        }
        if (limit.compareTo(warning) < 0) {
            throw new IllegalArgumentException("ledger.work-timer.limit must not be shorter than ledger.work-timer.warning");
        }
    }
}
