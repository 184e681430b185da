package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concurrent commands share one transaction, and one command's failure at that commit is its own: the others in its
 * batch are recorded, it is refused, and nothing is half-written (ADR 0007). The group commit is driven directly, into
 * a probe table, so that each test shapes its batches (the ledger the other tests run commits through it too).
 */
class GroupCommitTest extends LedgerIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void concurrentCommandsShareCommitsAndEachIsRecordedBeforeItsCallerContinues() throws Exception {
        jdbc.execute("CREATE TABLE IF NOT EXISTS group_commit_probe (LIKE domainevententry INCLUDING ALL)");
        ProbeStore store = new ProbeStore(eventSerializer);
        SimpleMeterRegistry probeMeters = new SimpleMeterRegistry();
        GroupCommit groupCommit = new GroupCommit(probePool(), store::statement, 256, probeMeters);
        ExecutorService commands = Executors.newFixedThreadPool(16);
        try {
            String run = "shared-" + UUID.randomUUID();
            List<Future<Long>> appended = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String aggregate = run + "-" + i;
                appended.add(commands.submit(() -> {
                    append(groupCommit, event(aggregate, "x"), claim("key-" + UUID.randomUUID()));
                    // once append returns, the event is committed: visible to any other connection
                    return jdbc.queryForObject("SELECT count(*) FROM group_commit_probe WHERE aggregateidentifier = ?",
                            Long.class, aggregate);
                }));
            }
            for (Future<Long> rows : appended) {
                assertThat(rows.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
            var commits = probeMeters.get("ledger.group.commit.commands").summary();
            assertThat(commits.totalAmount()).isEqualTo(64);
            assertThat(commits.count()).as("64 commands from 16 threads took fewer commits than commands").isLessThan(64);
        } finally {
            commands.shutdownNow();
            groupCommit.stop();
        }
    }

    @Test
    void aCommandThatLostARaceIsRefusedAloneAndTheOthersInItsBatchAreRecorded() throws Throwable {
        jdbc.execute("CREATE TABLE IF NOT EXISTS group_commit_probe (LIKE domainevententry INCLUDING ALL)");
        ProbeStore store = new ProbeStore(eventSerializer);
        CountDownLatch firstBatchesInside = new CountDownLatch(GroupCommit.COMMITTERS);
        CountDownLatch release = new CountDownLatch(1);
        String gate = "gate-" + UUID.randomUUID();
        GroupCommit.Appender gated = (connection, events) -> {
            if (events.get(0).getIdentifier().startsWith(gate)) {
                firstBatchesInside.countDown();
                await(release);
            }
            return store.statement(connection, events);
        };
        SimpleMeterRegistry probeMeters = new SimpleMeterRegistry();
        GroupCommit groupCommit = new GroupCommit(probePool(), gated, 256, probeMeters);
        ExecutorService commands = Executors.newFixedThreadPool(8);
        try {
            String taken = "taken-" + UUID.randomUUID();
            groupCommit.append(List.of(event(taken, "first")), null, false);

            List<Future<?>> gateCommands = new ArrayList<>();
            for (int i = 0; i < GroupCommit.COMMITTERS; i++) {
                String gateAggregate = gate + "-" + i;
                gateCommands.add(commands.submit(() -> append(groupCommit, event(gateAggregate, gate), null)));
                // each takes a committer of its own: the next one arrives after this one is inside
                Thread.sleep(100);
            }
            assertThat(firstBatchesInside.await(10, TimeUnit.SECONDS)).isTrue();
            // while every committer is busy, six commands queue up for the next commit
            String sharedKey = "key-" + UUID.randomUUID();
            List<Future<?>> recorded = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String key = i == 0 ? sharedKey : "key-" + UUID.randomUUID();
                recorded.add(commands.submit(() -> append(groupCommit, event("b-" + UUID.randomUUID(), "x"), claim(key))));
            }
            Future<?> lostRace = commands.submit(() -> append(groupCommit, event(taken, "second"), null));
            Future<?> keyTaken = commands.submit(() -> append(groupCommit, event("d-" + UUID.randomUUID(), "x"), claim(sharedKey)));
            Thread.sleep(300);
            release.countDown();

            for (Future<?> gateCommand : gateCommands) {
                gateCommand.get(10, TimeUnit.SECONDS);
            }
            for (Future<?> command : recorded) {
                command.get(10, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> lostRace.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SQLException.class)
                    .rootCause().extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23505");
            assertThatThrownBy(() -> keyTaken.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("key taken");

            assertThat(jdbc.queryForObject("SELECT count(*) FROM group_commit_probe WHERE aggregateidentifier = ?", Long.class, taken))
                    .as("the race's loser appended nothing").isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM group_commit_probe WHERE aggregateidentifier LIKE 'b-%'", Long.class))
                    .isGreaterThanOrEqualTo(4);
            assertThat(jdbc.queryForObject("SELECT response_status FROM idempotency_key WHERE idempotency_key = ?", Integer.class, sharedKey))
                    .as("the key is stored with its answer, in the commit that recorded its events").isEqualTo(201);
            assertThat(probeMeters.get("ledger.group.commit.commands").summary().max()).isEqualTo(6);
            assertThat(probeMeters.get("ledger.group.commit.isolations").counter().count()).isEqualTo(1);
        } finally {
            commands.shutdownNow();
            groupCommit.stop();
        }
    }

    @Test
    void aRequestWhoseKeyWasTakenInItsOwnBatchIsRefusedOnlyOnceTheStoredAnswerCanBeRead() throws Throwable {
        jdbc.execute("CREATE TABLE IF NOT EXISTS group_commit_probe (LIKE domainevententry INCLUDING ALL)");
        ProbeStore store = new ProbeStore(eventSerializer);
        String gate = "gate-" + UUID.randomUUID();
        String hold = "hold-" + UUID.randomUUID();
        CountDownLatch committersBusy = new CountDownLatch(GroupCommit.COMMITTERS);
        CountDownLatch releaseCommitters = new CountDownLatch(1);
        CountDownLatch sharedBatchWriting = new CountDownLatch(1);
        CountDownLatch releaseSharedBatch = new CountDownLatch(1);
        GroupCommit.Appender gated = (connection, events) -> {
            if (events.get(0).getIdentifier().startsWith(gate)) {
                committersBusy.countDown();
                await(releaseCommitters);
            } else if (events.stream().anyMatch(e -> e.getIdentifier().startsWith(hold))) {
                sharedBatchWriting.countDown();
                await(releaseSharedBatch);
            }
            return store.statement(connection, events);
        };
        GroupCommit groupCommit = new GroupCommit(probePool(), gated, 256, new SimpleMeterRegistry());
        ExecutorService commands = Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < GroupCommit.COMMITTERS; i++) {
                String gateAggregate = gate + "-" + i;
                commands.submit(() -> append(groupCommit, event(gateAggregate, gate), null));
                Thread.sleep(100);
            }
            assertThat(committersBusy.await(10, TimeUnit.SECONDS)).isTrue();
            // the first request and its concurrent retry wait together, so one commit drains both
            String key = "key-" + UUID.randomUUID();
            List<Long> answersStoredWhenRefused = new ArrayList<>();
            Future<?> first = commands.submit(() -> append(groupCommit, event(hold, "x"), claim(key)));
            Thread.sleep(100);
            Future<?> retry = commands.submit(() -> append(groupCommit, event("retry-" + UUID.randomUUID(), "x"),
                    claim(key, () -> {
                        answersStoredWhenRefused.add(jdbc.queryForObject(
                                "SELECT count(*) FROM idempotency_key WHERE idempotency_key = ?", Long.class, key));
                        return new IllegalStateException("key taken");
                    })));
            Thread.sleep(100);
            releaseCommitters.countDown();

            assertThat(sharedBatchWriting.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            assertThat(retry.isDone()).as("the retry waits while the batch that took its key is still uncommitted").isFalse();
            releaseSharedBatch.countDown();

            first.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> retry.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("key taken");
            assertThat(answersStoredWhenRefused).as("the refused retry can read the answer it is to replay").containsExactly(1L);
        } finally {
            releaseCommitters.countDown();
            releaseSharedBatch.countDown();
            commands.shutdownNow();
            groupCommit.stop();
        }
    }

    private static IdempotencyClaim claim(String key) {
        return claim(key, () -> new IllegalStateException("key taken"));
    }

    private static IdempotencyClaim claim(String key, Supplier<RuntimeException> whenTaken) {
        return new IdempotencyClaim(key, "0".repeat(64), UUID.randomUUID().toString(), 201, "/agreements/x", "\"0\"", "{}",
                whenTaken);
    }

    private static EventMessage<?> event(String aggregate, String payload) {
        return new GenericDomainEventMessage<>("Probe", aggregate, 0, payload) {
            @Override
            public String getIdentifier() {
                return aggregate + "/" + payload;
            }
        };
    }

    private static Void append(GroupCommit groupCommit, EventMessage<?> event, IdempotencyClaim claim) {
        try {
            groupCommit.append(List.of(event), claim, false);
            return null;
        } catch (Throwable e) {
            throw new CompletionFailure(e);
        }
    }

    private static final class CompletionFailure extends RuntimeException {
        CompletionFailure(Throwable cause) {
            super(cause);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DataSource probePool() {
        return DataSourceBuilder.create().url(databaseUrl).username("test").password("test")
                .type(com.zaxxer.hikari.HikariDataSource.class).build();
    }

    /** Axon's JDBC store writing into a probe table, so that the test's events never reach the ledger's topic. */
    private static final class ProbeStore extends JdbcEventStorageEngine {

        ProbeStore(Serializer serializer) {
            super(JdbcEventStorageEngine.builder().eventSerializer(serializer).snapshotSerializer(serializer)
                    .connectionProvider(() -> {
                        throw new UnsupportedOperationException("the group commit brings its own connection");
                    })
                    .transactionManager(org.axonframework.common.transaction.NoTransactionManager.INSTANCE)
                    .schema(EventSchema.builder().eventTable("group_commit_probe").build()));
        }

        PreparedStatement statement(Connection connection, List<? extends EventMessage<?>> events) throws SQLException {
            return appendEvents(connection, events, getEventSerializer());
        }
    }
}
