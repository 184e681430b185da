package org.agreementledger.ledger.axon;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.ledger.support.LedgerHttp;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Concurrent commands share one transaction, and one command's failure at that commit is its own: the others in its
 * batch are recorded, it is refused, and nothing is half-written (ADR 0007).
 */
class GroupCommitTest extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    @Qualifier("eventSerializer")
    Serializer eventSerializer;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void concurrentOffersShareCommitsAndEachIsRecordedBeforeItIsAcknowledged() throws Exception {
        double batchesBefore = meters.get("ledger.group.commit.commands").summary().count();
        double commandsBefore = meters.get("ledger.group.commit.commands").summary().totalAmount();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String key = "group-" + UUID.randomUUID();
            LedgerHttp guatemala = as(port, "GT");
            answers.add(clients.submit(() -> {
                var response = guatemala.post("/agreements", OFFER, Map.of("Idempotency-Key", key));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                return guatemala.json(response);
            }));
        }
        List<String> agreements = new ArrayList<>();
        for (Future<JsonNode> answer : answers) {
            agreements.add(answer.get(60, TimeUnit.SECONDS).get("agreementId").asText());
        }
        clients.shutdown();

        for (String agreement : agreements) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, agreement))
                    .as("every acknowledged offer is in the store").isEqualTo(1);
        }
        double batches = meters.get("ledger.group.commit.commands").summary().count() - batchesBefore;
        double commands = meters.get("ledger.group.commit.commands").summary().totalAmount() - commandsBefore;
        assertThat(commands).isEqualTo(64);
        assertThat(batches).as("64 offers from 16 clients took fewer commits than offers").isLessThan(64);
    }

    @Test
    void aCommandThatLostARaceIsRefusedAloneAndTheOthersInItsBatchAreRecorded() throws Throwable {
        jdbc.execute("CREATE TABLE IF NOT EXISTS group_commit_probe (LIKE domainevententry INCLUDING ALL)");
        ProbeStore store = new ProbeStore(eventSerializer);
        CountDownLatch firstBatchInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String gate = "gate-" + UUID.randomUUID();
        GroupCommit.Appender gated = (connection, events) -> {
            if (events.get(0).getIdentifier().startsWith(gate)) {
                firstBatchInside.countDown();
                await(release);
            }
            return store.statement(connection, events);
        };
        SimpleMeterRegistry probeMeters = new SimpleMeterRegistry();
        GroupCommit groupCommit = new GroupCommit(probePool(), gated, 256, probeMeters);
        ExecutorService commands = Executors.newFixedThreadPool(8);
        try {
            String taken = "taken-" + UUID.randomUUID();
            groupCommit.append(List.of(event(taken, "first")), null);

            Future<?> gateCommand = commands.submit(() -> append(groupCommit, event(gate, gate), null));
            assertThat(firstBatchInside.await(10, TimeUnit.SECONDS)).isTrue();
            // while the first command commits (holding the commit lock), six commands queue up for the next commit
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

            gateCommand.get(10, TimeUnit.SECONDS);
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

    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "offeredOn": "2025-02-03",
             "title": "Guatemala takes deportees of other nationalities (group commit test)"}""";

    private static IdempotencyClaim claim(String key) {
        return new IdempotencyClaim(key, "0".repeat(64), UUID.randomUUID().toString(), 201, "/agreements/x", "\"0\"", "{}",
                () -> new IllegalStateException("key taken"));
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
            groupCommit.append(List.of(event), claim);
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
