package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.sql.SQLException;
import java.time.Clock;

@Configuration
@EnableScheduling
class AxonConfig {

    /** The ledger's notion of today (expiry, transfers after validity); replaceable in tests. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Keeps the cost of a command flat however long an agreement's history grows. */
    @Bean
    SnapshotTriggerDefinition agreementSnapshotTrigger(Snapshotter snapshotter,
                                                       @Value("${ledger.snapshot-threshold:100}") int threshold) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, threshold);
    }

    /**
     * A unique-key violation on append means another ledger instance appended that sequence first. Axon's default
     * resolver only knows {@code SQLIntegrityConstraintViolationException}, which PostgreSQL's driver never throws
     * (SQLSTATE 23505 instead), so the race surfaced as a 500 rather than a ConcurrencyException to retry.
     */
    @Bean
    PersistenceExceptionResolver postgresDuplicateKeyResolver() {
        return failure -> {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * A processor that fails on an event stops and retries it from its token (Axon's backoff, 1 s doubling to 60 s);
     * Axon's default error handler would log it and go on, leaving the topic without that event, or the expiry index
     * without that agreement, for good. Each failure is counted ({@code ledger.processor.failures}): a count that keeps
     * rising is a processor stuck on one event.
     */
    @Autowired
    void failedEventsAreRetriedNotSkipped(EventProcessingConfigurer processing, MeterRegistry meters) {
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
        processing.registerDefaultHandlerInterceptor((configuration, processor) -> {
            Counter failures = Counter.builder("ledger.processor.failures").tag("processor", processor)
                    .description("Events an event processor failed on, each retried from its token").register(meters);
            return (unitOfWork, chain) -> {
                try {
                    return chain.proceed();
                } catch (Exception | Error e) {
                    failures.increment();
                    throw e;
                }
            };
        });
    }

    /** Replaces Axon's default so events carry the caller's correlation id, not only the command's id. */
    @Bean
    CorrelationDataProvider requestCorrelationDataProvider() {
        return new RequestCorrelationDataProvider();
    }
}
