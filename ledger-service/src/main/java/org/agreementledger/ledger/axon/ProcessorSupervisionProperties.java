package org.agreementledger.ledger.axon;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How {@link ProcessorSupervisor} treats a stopped or failing event processor: a processor paused in error is started
 * again after {@code restartAfter}, the wait doubling with each restart that does not hold up to {@code maxRestartAfter};
 * one failing batch after batch for {@code downAfterFailing} turns the health DOWN.
 */
@ConfigurationProperties("ledger.processors")
@Validated
record ProcessorSupervisionProperties(
        @DefaultValue("10s") @DurationMin(millis = 1) @DurationMax(hours = 1) Duration restartAfter,
        @DefaultValue("5m") @DurationMin(millis = 1) @DurationMax(days = 1) Duration maxRestartAfter,
        @DefaultValue("30s") @DurationMin @DurationMax(days = 1) Duration downAfterFailing) {

    ProcessorSupervisionProperties {
        if (maxRestartAfter.compareTo(restartAfter) < 0) {
            throw new IllegalArgumentException("ledger.processors.max-restart-after must not be shorter than restart-after");
        }
    }
}
