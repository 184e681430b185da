package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.Serializer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Axon's JDBC event store, except that a command's events are appended by the {@link GroupCommit} together with those
 * of every other command waiting at that moment, and with the command's Idempotency-Key; the leaves the transparency
 * log gave them are left for the command's receipt ({@link LastAppend}). Reads, snapshots and the statements
 * themselves are Axon's.
 */
class GroupCommittingEventStorageEngine extends JdbcEventStorageEngine implements AutoCloseable {

    private final GroupCommit groupCommit;

    GroupCommittingEventStorageEngine(Builder builder, GroupCommitFactory groupCommit) {
        super(builder);
        this.groupCommit = groupCommit.create(this::appendStatement);
    }

    /** Runs after each group commit, once for the batch (the event store wakes its readers). */
    void afterEachCommit(Runnable action) {
        groupCommit.afterEachCommit(action);
    }

    /** Builds the committer once the engine's own append statement exists. */
    interface GroupCommitFactory {
        GroupCommit create(GroupCommit.Appender appender);
    }

    /** Axon's own batched INSERT of these events, on the committer's connection. */
    PreparedStatement appendStatement(Connection connection, List<? extends EventMessage<?>> events) throws SQLException {
        return appendEvents(connection, events, getEventSerializer());
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        IdempotencyClaim claim = CurrentUnitOfWork.isStarted()
                ? (IdempotencyClaim) CurrentUnitOfWork.get().root().resources().remove(IdempotencyClaim.RESOURCE) : null;
        boolean receiptsTaken = LastAppend.expected();
        LastAppend.forget();
        try {
            LastAppend.remember(events, groupCommit.append(events, claim, receiptsTaken));
        } catch (SQLException e) {
            // a duplicate sequence number becomes Axon's ConcurrencyException, anything else an EventStoreException
            handlePersistenceException(e, events.get(0));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new EventStoreException("Events from " + events.get(0).getIdentifier() + " on could not be appended", e);
        }
    }

    /** Called by Spring after the web server has stopped taking requests: lets the waiting commands commit first. */
    @Override
    public void close() {
        groupCommit.stop();
    }
}
