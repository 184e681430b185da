package org.agreementledger.ledger.publication;

import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Where and how events are published. {@code partitions} is used only when the ledger has to create
 * the topic itself; an existing topic is left as it is.
 */
@ConfigurationProperties("ledger.kafka")
public record KafkaPublicationProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue(LedgerTopics.AGREEMENT_EVENTS) String topic,
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("30s") Duration deliveryTimeout) {
}
