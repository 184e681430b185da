package org.agreementledger.ledger.publication;

import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Where and how events are published. {@code partitions} is used only when the ledger has to create
 * the topic itself; an existing topic is left as it is.
 */
@ConfigurationProperties("ledger.kafka")
@Validated
public record KafkaPublicationProperties(
        @DefaultValue("localhost:9092") @NotBlank String bootstrapServers,
        @DefaultValue(LedgerTopics.AGREEMENT_EVENTS) @Pattern(regexp = LedgerTopics.LEGAL_NAME) String topic,
        @DefaultValue("6") @Min(1) @Max(1_000) int partitions,
        @DefaultValue("1") @Min(1) @Max(16) short replicationFactor,
        // a send's request times out at half of it (10 s at most), and Kafka wants the whole to cover one request
        @DefaultValue("30s") @DurationMin(seconds = 1) @DurationMax(hours = 1) Duration deliveryTimeout) {
}
