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
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The event store: Axon's JDBC storage engine, built as Axon's auto-configuration builds it, with appends going
 * through the {@link GroupCommit} unless {@code ledger.group-commit.enabled} is false.
 */
@Configuration
@EnableConfigurationProperties(GroupCommitProperties.class)
class EventStoreConfig {

    private static final int CACHED_EVENTS = 100;
    /** Well within a young collection's period under load (~0.2 s), so a dropped entry's successor dies young. */
    private static final Duration UNLINK_PERIOD = Duration.ofMillis(20);

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
                .schema(new EventSchema()) // Axon's default names, as in V1__event_store.sql
                .lastSequenceNumberFor(EventStoreConfig::lastSequenceNumber);
        if (!groupCommit.enabled()) {
            return builder.build();
        }
        HikariDataSource commands = pool.unwrap(HikariDataSource.class);
        return new GroupCommittingEventStorageEngine(builder,
                appender -> new GroupCommit(committerPool(dataSource, commands), appender, groupCommit.maxCommands(), meters));
    }

    /**
     * The pool's connections taken only when a statement needs one. Axon runs every command in a Spring transaction,
     * which otherwise takes a connection when it begins and holds it, idle, until the command's events are committed
     * (by the group commit, on connections of its own): an offer runs no statement there at all, yet held one of the
     * pool's connections through its wait, and sixteen clients kept the pool so busy that returning a connection spun
     * in HikariCP's hand-off (3 % of the ledger's CPU in {@code Thread.yield}, docs/benchmarks.md run Z24). Spring's
     * proxy defers the connection, its auto-commit and read-only settings to the first statement, and a transaction
     * that ran none commits without one.
     */
    @Bean
    static BeanPostProcessor lazyConnections() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof HikariDataSource pool && "dataSource".equals(beanName)
                        ? new LazyConnectionDataSourceProxy(pool) : bean;
            }
        };
    }

    /**
     * An agreement's last sequence, asked before every command (FreshCachingRepository): its last entry in the
     * (aggregate, sequence) index, one step back from its end. Axon asks for {@code max(sequenceNumber)}, which
     * PostgreSQL answered by reading the whole agreement's index while its statistics were older than the agreement's
     * history: 10.6 ms a command at 46,000 events, and growing with them (docs/benchmarks.md, run Z18).
     */
    static PreparedStatement lastSequenceNumber(Connection connection, EventSchema schema, String aggregateIdentifier)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(lastSequenceNumberSql(schema));
        statement.setString(1, aggregateIdentifier);
        return statement;
    }

    static String lastSequenceNumberSql(EventSchema schema) {
        return "SELECT " + schema.sequenceNumberColumn() + " FROM " + schema.domainEventTable()
                + " WHERE " + schema.aggregateIdentifierColumn() + " = ? ORDER BY " + schema.sequenceNumberColumn()
                + " DESC LIMIT 1";
    }

    /**
     * Axon's embedded event store as its auto-configuration builds it, with a smaller cache of recent events for the
     * tracking processors. Each cached event holds its payload as stored and, once a processor has read it, as
     * objects: a few KiB for most, but about 300 KiB for an offer at the contract's bounds (100 commitments listing
     * 250 nationalities each). Axon's default of 10,000, and the 1,000 kept until run X, let a burst of such offers
     * fill a 256 MiB heap (docs/benchmarks.md, run X); 100 bound it to some 30 MiB. The processors normally trail the
     * head by a few events; one further behind than the cache reads from the database, as one catching up does, and
     * is woken by every commit ({@link CommitWakingEventStore}).
     */
    @Bean
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration) {
        CommitWakingEventStore store = new CommitWakingEventStore(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .cachedEvents(CACHED_EVENTS));
        if (storageEngine instanceof GroupCommittingEventStorageEngine groupCommitting) {
            groupCommitting.afterEachCommit(store.wakerForEachCommit());
        }
        return store;
    }

    /** Keeps the events that pass through that cache out of the old generation (see the class). */
    @Bean
    EventCacheUnlinker eventCacheUnlinker(EmbeddedEventStore eventStore) {
        return new EventCacheUnlinker(eventStore, UNLINK_PERIOD);
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
