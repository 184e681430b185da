package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

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

    @Autowired
    void publicationLag(MeterRegistry meters, JdbcTemplate jdbc, KafkaEventPublisher publisher) {
        Gauge.builder("ledger.events.publish.lag", () -> {
                    Long head = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry", Long.class);
                    return head == null ? 0 : Math.max(0, head - publisher.lastPublishedPosition());
                })
                .description("Events appended to the event store but not yet acknowledged by Kafka")
                .register(meters);
    }
}
