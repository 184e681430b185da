package org.agreementledger.ledger.publication;

import io.micrometer.tracing.exporter.SpanExportingPredicate;
import org.agreementledger.security.health.KafkaHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

@Configuration
class PublicationConfig {

    /**
     * With tracing on, Spring traces every scheduled run, and the publication lag, measured every few seconds, would
     * flood the traces with one of its own each time: its spans are not exported (its timer stays).
     */
    @Bean
    SpanExportingPredicate theLagMeasurementIsNotATrace() {
        return span -> !PublicationStatus.class.getName().equals(span.getTags().get("code.namespace"));
    }

    /** The ledger creates its topic when it first publishes, so no topic has to exist for it to be healthy. */
    @Bean("kafka")
    KafkaHealthIndicator kafkaHealth(KafkaPublicationProperties properties) {
        return new KafkaHealthIndicator(properties.bootstrapServers(), List.of());
    }
}
