package org.agreementledger.ledger.axon;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * The event store: Axon's JDBC storage engine, built as Axon's auto-configuration builds it, with appends going
 * through the {@link GroupCommit} unless {@code ledger.group-commit.enabled} is false.
 */
@Configuration
@EnableConfigurationProperties(GroupCommitProperties.class)
class EventStoreConfig {

    private static final int CACHED_EVENTS = 1_000;

    @Bean
    EventStorageEngine eventStorageEngine(Serializer defaultSerializer, PersistenceExceptionResolver persistenceExceptionResolver,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connectionProvider, TransactionManager transactionManager,
                                          GroupCommitProperties groupCommit,
                                          DataSourceProperties dataSource, DataSource pool, MeterRegistry meters)
            throws SQLException {
        JdbcEventStorageEngine.Builder builder = JdbcEventStorageEngine.builder()
                .snapshotSerializer(defaultSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(new EventSchema()); // Axon's default names, as in V1__event_store.sql
        if (!groupCommit.enabled()) {
            return builder.build();
        }
        HikariDataSource commands = pool.unwrap(HikariDataSource.class);
        return new GroupCommittingEventStorageEngine(builder,
                appender -> new GroupCommit(committerPool(dataSource, commands), appender, groupCommit.maxCommands(), meters));
    }

    /**
     * Axon's embedded event store as its auto-configuration builds it, with a smaller cache of recent events for the
     * tracking processors. Axon's default keeps the last 10,000 in the heap (payload and metadata as stored, a few KiB
     * each here, and a tracking token each): tens of MiB of a 256 MiB heap, for processors that keep up within a
     * second (docs/benchmarks.md, run J). A processor further behind than the cache reads from the database instead.
     */
    @Bean
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .cachedEvents(CACHED_EVENTS)
                .build();
    }

    /**
     * The committer's own connections: never taken from the pool that the waiting commands hold, so a full pool cannot
     * starve the commit they wait for. The driver's settings are the pool's ({@code socketTimeout} above all), and
     * batched inserts are rewritten into multi-row statements.
     */
    private static HikariDataSource committerPool(DataSourceProperties properties, HikariDataSource commands) {
        HikariDataSource pool = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        pool.setDataSourceProperties(commands.getDataSourceProperties());
        pool.setPoolName("ledger-group-commit");
        pool.setMaximumPoolSize(GroupCommit.COMMITTERS);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(3000);
        pool.setValidationTimeout(1000);
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        return pool;
    }

    /**
     * Migrations on a connection of their own, without the pool's {@code socketTimeout}: that bounds a command's wait on
     * a hung PostgreSQL, and must not cut a migration that rewrites a large table.
     */
    @Bean
    FlywayConfigurationCustomizer migrationsWithoutSocketTimeout(DataSourceProperties properties) {
        return flyway -> flyway.dataSource(properties.determineUrl(), properties.determineUsername(),
                properties.determinePassword());
    }
}
