package org.agreementledger.projection.consumer;

import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

@ConfigurationProperties("projection.kafka")
public record ConsumerProperties(
        @DefaultValue("localhost:9092") String bootstrapServers,
        @DefaultValue(LedgerTopics.AGREEMENT_EVENTS) String topic,
        @DefaultValue("projection-service") String groupId,
        @DefaultValue("200ms") Duration pollTimeout,
        @DefaultValue("true") boolean enabled) {
}
