package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.sql.SQLException;
import java.time.Clock;

@Configuration
@EnableScheduling
class AxonConfig {

    private static final int LATEST_AGREEMENTS_HELD = 2;

    /** The ledger's notion of today (expiry, transfers after validity); replaceable in tests. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Agreements decided on lately, kept between their commands: without it every command loaded its agreement from the
     * latest snapshot, whose size grows with the agreement's transfers (a 30 MB snapshot at 3,200 transfers of 100
     * headcount lines took 400 ms to read and deserialise, per command). Weakly held, so the heap takes back any of
     * them when it needs the room, except the two used last (an agreement of 100,000 transfers holds ~30 MB); evicted
     * by Axon when a command rolls back, and trusted only while as far as the event store
     * ({@link FreshCachingRepository}).
     */
    @Bean
    Cache agreementCache() {
        return new WeakCacheHoldingTheLatest(LATEST_AGREEMENTS_HELD);
    }

    /** Keeps the cost of a command flat however long an agreement's history grows. */
    @Bean
    SnapshotTriggerDefinition agreementSnapshotTrigger(Snapshotter snapshotter, SnapshotProperties properties) {
        return new GrowingSnapshotTriggerDefinition(snapshotter, properties.snapshotThreshold());
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
     * without that agreement, for good. Each failure is counted and kept for the health by {@link ProcessorSupervisor}.
     */
    @Autowired
    void failedEventsAreRetriedNotSkipped(EventProcessingConfigurer processing,
                                          ObjectProvider<ProcessorSupervisor> supervisor) {
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
        processing.registerDefaultHandlerInterceptor(
                (configuration, processor) -> supervisor.getObject().failuresOf(processor));
    }

    /** Axon's meters without the capacity monitors, which held every message handled in the last ten minutes. */
    @Bean
    GlobalMetricRegistry globalMetricRegistry(MeterRegistry meters) {
        return new MetricRegistryWithoutCapacity(meters);
    }

    /**
     * The health component {@code processors}, and the restart of a processor Axon left paused in error. On the
     * system clock, not the ledger's notion of today: tests move that one.
     */
    @Bean("processors")
    ProcessorSupervisor processorSupervisor(EventProcessingConfiguration processing,
                                            ProcessorSupervisionProperties properties, MeterRegistry meters) {
        return new ProcessorSupervisor(processing::eventProcessors, properties, Clock.systemUTC(), meters);
    }

    /** Replaces Axon's default so events carry the caller's correlation id, not only the command's id. */
    @Bean
    CorrelationDataProvider requestCorrelationDataProvider() {
        return new RequestCorrelationDataProvider();
    }
}
