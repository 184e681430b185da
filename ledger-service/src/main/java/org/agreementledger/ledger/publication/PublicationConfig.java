package org.agreementledger.ledger.publication;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration
class PublicationConfig {

    /**
     * A failed publication must stop the processor and retry from its token, never log and skip:
     * Axon's default error handler would drop the event from the topic for good.
     */
    @Autowired
    void publicationFailuresAreRetried(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(KafkaEventPublisher.PROCESSING_GROUP,
                        configuration -> PropagatingErrorHandler.instance());
    }
}
