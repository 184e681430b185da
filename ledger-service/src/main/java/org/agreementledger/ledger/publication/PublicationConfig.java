package org.agreementledger.ledger.publication;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.agreementledger.security.health.KafkaHealthIndicator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

@Configuration
class PublicationConfig {

    /**
     * A failed publication must stop the processor and retry from its token, never log and skip:
     * Axon's default error handler would drop the event from the topic for good.
     */
    @Autowired
    void publicationFailuresAreRetried(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(PublisherProcessor.NAME,
                        configuration -> PropagatingErrorHandler.instance());
    }

    /** The ledger creates its topic when it first publishes, so no topic has to exist for it to be healthy. */
    @Bean("kafka")
    KafkaHealthIndicator kafkaHealth(KafkaPublicationProperties properties) {
        return new KafkaHealthIndicator(properties.bootstrapServers(), List.of());
    }
}
