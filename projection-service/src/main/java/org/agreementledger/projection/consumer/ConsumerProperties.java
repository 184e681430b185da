package org.agreementledger.projection.consumer;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.LedgerTopics;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

@ConfigurationProperties("projection.kafka")
@Validated
public record ConsumerProperties(
        @DefaultValue("localhost:9092") @NotBlank String bootstrapServers,
        @DefaultValue(LedgerTopics.AGREEMENT_EVENTS) @Pattern(regexp = LedgerTopics.LEGAL_NAME) String topic,
        @DefaultValue("projection-service") @NotBlank @Size(max = 255) String groupId,
        @DefaultValue("200ms") @DurationMin(millis = 1) @DurationMax(minutes = 1) Duration pollTimeout,
        @DefaultValue("true") boolean enabled,
        // what a broker accepts by default (group.min.session.timeout.ms, group.max.session.timeout.ms): outside it the
        // consumer could never join its group
        @DefaultValue("10s") @DurationMin(seconds = 6) @DurationMax(minutes = 30) Duration sessionTimeout) {
}
