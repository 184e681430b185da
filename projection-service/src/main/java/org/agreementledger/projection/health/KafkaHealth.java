package org.agreementledger.projection.health;

import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.security.health.KafkaHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

@Configuration
class KafkaHealth {

    /** The projection has nothing to read until the events topic exists. */
    @Bean("kafka")
    KafkaHealthIndicator kafkaHealth(ConsumerProperties properties) {
        return new KafkaHealthIndicator(properties.bootstrapServers(), List.of(properties.topic()));
    }
}
