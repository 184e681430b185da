package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Appends the events of every command waiting at that moment in one transaction on a connection of its own, so that
 * concurrent commands share one commit and one WAL flush (ADR 0007). Each command was decided on its own aggregate by
 * its own thread, which waits here until the commit and only then answers its caller; a waiting thread holding one of
 * the two committer permits commits for all (no committer thread, no hand-off), so one batch can write its rows while
 * the one before it flushes. A command whose key another
 * request claimed first is left out of the batch; when the batch fails as a whole (a duplicate sequence number from
 * another ledger instance, a database failure), every command in it is tried again alone, so that each caller gets
 * its own answer and no command is appended because of another. Once committed, it reads the leaves the transparency
 * log gave the batch's events in one statement and hands each command its own, for its receipt.
 */
final class GroupCommit {

    /** Writes a batch of events on the given connection: the event store's own statement. */
    interface Appender {
        PreparedStatement prepare(Connection connection, List<? extends EventMessage<?>> events) throws SQLException;
    }

    private record Pending(List<? extends EventMessage<?>> events, IdempotencyClaim claim, boolean wantsLeaves,
                           CompletableFuture<long[]> done) {
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final DataSource dataSource;
    private final Appender appender;
    private final int maxBatch;
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final DistributionSummary batchSizes;
    private final Counter isolations;
    /** Two batches in flight: one flushes its commit while the next writes its rows (the committer pool's size). */
    static final int COMMITTERS = 2;
    private final Semaphore committing = new Semaphore(COMMITTERS);
    private volatile boolean running = true;
    private volatile Runnable afterEachCommit = () -> { };

    GroupCommit(DataSource dataSource, Appender appender, int maxBatch, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.appender = appender;
        this.maxBatch = maxBatch;
        this.batchSizes = DistributionSummary.builder("ledger.group.commit.commands")
                .description("Commands whose events were appended in one transaction").register(meters);
        this.isolations = Counter.builder("ledger.group.commit.isolations")
                .description("Batches that failed as a whole and were tried again one command at a time").register(meters);
    }

    /**
     * Blocks until the events (and the claim, if any) are committed and answers, when asked to, the transparency log's
     * leaf of each event, in order (null when not asked or not read); throws what kept them from being committed. The calling thread
     * queues its command and takes a committer permit (waiting while two batches are in flight); holding it, it
     * commits what is waiting until its own command is done or was drained by the other committer, which completes
     * it. A lone command thus commits on its own thread without a hand-off.
     */
    long[] append(List<? extends EventMessage<?>> events, IdempotencyClaim claim, boolean wantsLeaves) throws Throwable {
        if (!running) {
            throw new IllegalStateException("the ledger is shutting down; nothing was appended");
        }
        Pending mine = new Pending(events, claim, wantsLeaves, new CompletableFuture<>());
        waiting.add(mine);
        committing.acquireUninterruptibly();
        try {
            // commit what waits until this command is done or another committer has drained it (and will finish it)
            boolean committed = true;
            while (!mine.done().isDone() && committed) {
                committed = commitWaiting();
            }
        } finally {
            committing.release();
        }
        try {
            return mine.done().get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** Runs after each commit, before the batch's commands are answered: once per batch, not once per command. */
    void afterEachCommit(Runnable action) {
        this.afterEachCommit = action;
    }

    /** Refuses new commands and closes the committer's connections; commands in flight finish first. */
    void stop() {
        running = false;
        committing.acquireUninterruptibly(COMMITTERS);
        try {
            Pending left;
            while ((left = waiting.poll()) != null) {
                left.done().completeExceptionally(new IllegalStateException("the ledger shut down before this command was appended"));
            }
        } finally {
            committing.release(COMMITTERS);
        }
        if (dataSource instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception e) {
                log.debug("Closing the group commit's connections failed", e);
            }
        }
    }

    /** Commits one batch of what is waiting; false when nothing was. */
    private boolean commitWaiting() {
        List<Pending> batch = new ArrayList<>(Math.min(maxBatch, waiting.size() + 1));
        waiting.drainTo(batch, maxBatch);
        if (batch.isEmpty()) {
            return false;
        }
        Throwable failure = null;
        try {
            batchSizes.record(batch.size());
            commit(batch);
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            // whatever happened (even an OutOfMemoryError while logging), no drained command is left waiting forever;
            // the exception only when one is (its stack trace, through Tomcat's, cost 1.7 % of the ledger's CPU)
            List<Pending> undecided = batch.stream().filter(p -> !p.done().isDone()).toList();
            if (!undecided.isEmpty()) {
                Throwable cause = failure != null ? failure
                        : new IllegalStateException("the group commit ended without deciding this command");
                undecided.forEach(p -> p.done().completeExceptionally(cause));
            }
            if (failure != null) {
                log.error("Group commit failed unexpectedly; its batch failed", failure);
            }
        }
        return true;
    }

    private void commit(List<Pending> batch) {
        try (Connection connection = dataSource.getConnection()) {
            try {
                commit(connection, batch);
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                List<Pending> undecided = batch.stream().filter(p -> !p.done().isDone()).toList();
                if (undecided.size() > 1 && isConstraintViolation(e)) {
                    // most likely one command lost a race with another instance: find it, commit the others
                    isolations.increment();
                    for (Pending alone : undecided) {
                        try {
                            commit(connection, List.of(alone));
                        } catch (SQLException | RuntimeException failure) {
                            rollback(connection);
                            alone.done().completeExceptionally(failure);
                        }
                    }
                } else {
                    undecided.forEach(p -> p.done().completeExceptionally(e));
                }
            }
        } catch (SQLException e) {
            batch.stream().filter(p -> !p.done().isDone()).forEach(p -> p.done().completeExceptionally(e));
        }
    }

    private void commit(Connection connection, List<Pending> batch) throws SQLException {
        connection.setAutoCommit(false);
        List<Pending> claimed = claim(connection, batch);
        List<EventMessage<?>> events = new ArrayList<>();
        claimed.forEach(p -> events.addAll(p.events()));
        if (!events.isEmpty()) {
            try (PreparedStatement statement = appender.prepare(connection, events)) {
                statement.executeBatch();
            }
        }
        connection.commit();
        committed();
        Map<LeafIndexes.Event, Long> leaves = leavesOf(connection, claimed);
        claimed.forEach(p -> p.done().complete(leavesOf(p, leaves)));
        // refused only now: the request that took their key may be in this very batch, and a refused caller reads
        // its stored answer at once, which it finds only once this batch has committed
        batch.stream().filter(p -> !p.done().isDone()).forEach(p -> p.done().completeExceptionally(p.claim().whenTaken().get()));
    }

    private void committed() {
        try {
            afterEachCommit.run();
        } catch (RuntimeException e) {
            log.warn("The action after a group commit failed; the commit stands", e);
        }
    }

    /**
     * The leaves the log gave the committed events of the commands that asked for them, read outside any transaction
     * and not at all when none asked (in-process commands answer no receipts: the read cost them 10–16 % in run Z30);
     * none when the read fails, since the events are committed whatever it meets (each receipt is then read on its own).
     */
    private static Map<LeafIndexes.Event, Long> leavesOf(Connection connection, List<Pending> committed) {
        List<LeafIndexes.Event> events = committed.stream().filter(Pending::wantsLeaves)
                .flatMap(p -> p.events().stream()).filter(DomainEventMessage.class::isInstance)
                .map(e -> LeafIndexes.Event.of((DomainEventMessage<?>) e)).toList();
        if (events.isEmpty()) {
            return Map.of();
        }
        try {
            connection.setAutoCommit(true);
            return LeafIndexes.of(connection, events);
        } catch (SQLException | RuntimeException e) {
            log.debug("Reading the leaves of a committed batch failed; its commands read their receipts themselves", e);
            return Map.of();
        }
    }

    /** A command's leaves in the order of its events; null unless it asked for them and every event has one. */
    private static long[] leavesOf(Pending pending, Map<LeafIndexes.Event, Long> leaves) {
        if (!pending.wantsLeaves()) {
            return null;
        }
        long[] indexes = new long[pending.events().size()];
        for (int i = 0; i < indexes.length; i++) {
            Long leaf = pending.events().get(i) instanceof DomainEventMessage<?> event
                    ? leaves.get(LeafIndexes.Event.of(event)) : null;
            if (leaf == null) {
                return null;
            }
            indexes[i] = leaf;
        }
        return indexes;
    }

    /** SQLSTATE class 23: a unique key (or other constraint) refused a row; a connection failure is not one. */
    private static boolean isConstraintViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the keys and answers of the batch in one statement; a command whose key is already taken (by a committed
     * request or by an earlier one in this batch) is left out, and answered with its claim's refusal once the batch
     * has committed.
     */
    private static List<Pending> claim(Connection connection, List<Pending> batch) throws SQLException {
        List<Pending> withClaim = batch.stream().filter(p -> p.claim() != null).toList();
        if (withClaim.isEmpty()) {
            return batch;
        }
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO idempotency_key (idempotency_key, request_hash, agreement_id, response_status, response_location,
                                             response_etag, response_body)
                SELECT * FROM unnest(?::varchar[], ?::char(64)[], ?::varchar[], ?::int[], ?::text[], ?::varchar[], ?::text[])
                ON CONFLICT DO NOTHING
                RETURNING idempotency_key""")) {
            statement.setArray(1, array(connection, "varchar", withClaim, IdempotencyClaim::key));
            statement.setArray(2, array(connection, "bpchar", withClaim, IdempotencyClaim::requestHash));
            statement.setArray(3, array(connection, "varchar", withClaim, IdempotencyClaim::agreementId));
            statement.setArray(4, connection.createArrayOf("int4", withClaim.stream().map(p -> p.claim().status()).toArray()));
            statement.setArray(5, array(connection, "text", withClaim, IdempotencyClaim::location));
            statement.setArray(6, array(connection, "varchar", withClaim, IdempotencyClaim::etag));
            statement.setArray(7, array(connection, "text", withClaim, IdempotencyClaim::body));
            try (ResultSet keys = statement.executeQuery()) {
                while (keys.next()) {
                    inserted.add(keys.getString(1));
                }
            }
        }
        List<Pending> claimed = new ArrayList<>(batch.size());
        Set<String> seen = new HashSet<>();
        for (Pending pending : batch) {
            IdempotencyClaim claim = pending.claim();
            // two requests of one batch with the same key: unnest inserts the first, the second is taken
            if (claim == null || (inserted.contains(claim.key()) && seen.add(claim.key()))) {
                claimed.add(pending);
            }
        }
        return claimed;
    }

    private static Array array(Connection connection, String type, List<Pending> batch,
                               Function<IdempotencyClaim, String> field) throws SQLException {
        return connection.createArrayOf(type, batch.stream().map(p -> field.apply(p.claim())).toArray());
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback after a failed group commit failed too", e);
        }
    }
}
