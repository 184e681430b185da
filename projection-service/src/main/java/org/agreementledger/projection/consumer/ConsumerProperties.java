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
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10s") Duration sessionTimeout) {

    public ConsumerProperties {
        // what a broker accepts by default (group.min.session.timeout.ms, group.max.session.timeout.ms): outside it the
        // consumer could never join its group
        if (sessionTimeout.compareTo(Duration.ofSeconds(6)) < 0 || sessionTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("projection.kafka.session-timeout must be between 6s and 30m, not " + sessionTimeout);
        }
    }
}
