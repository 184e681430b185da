package org.agreementledger.ledger.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How {@link ProcessorSupervisor} treats a stopped or failing event processor: a processor paused in error is started
 * again after {@code restartAfter}, the wait doubling with each restart that does not hold up to {@code maxRestartAfter};
 * one failing batch after batch for {@code downAfterFailing} turns the health DOWN.
 */
@ConfigurationProperties("ledger.processors")
record ProcessorSupervisionProperties(@DefaultValue("10s") Duration restartAfter,
                                      @DefaultValue("5m") Duration maxRestartAfter,
                                      @DefaultValue("30s") Duration downAfterFailing) {

    ProcessorSupervisionProperties {
        if (restartAfter.isNegative() || restartAfter.isZero() || downAfterFailing.isNegative()) {
            throw new IllegalArgumentException("ledger.processors.restart-after must be positive, down-after-failing not negative");
        }
        if (maxRestartAfter.compareTo(restartAfter) < 0) {
            throw new IllegalArgumentException("ledger.processors.max-restart-after must not be shorter than restart-after");
        }
    }
}
