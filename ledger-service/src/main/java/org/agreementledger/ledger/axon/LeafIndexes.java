package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.DomainEventMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Each event's leaf in the transparency log, which the database numbers as the event's transaction commits (migration
 * V7): read for a whole batch of events in one statement.
 */
public final class LeafIndexes {

    /** An event of the store, named by its agreement and its sequence in it. */
    public record Event(String agreementId, long sequence) {

        static Event of(DomainEventMessage<?> event) {
            return new Event(event.getAggregateIdentifier(), event.getSequenceNumber());
        }
    }

    private LeafIndexes() {
    }

    /** The leaf index of each of these events that is in the log; committed events only. */
    public static Map<Event, Long> of(Connection connection, Collection<Event> events) throws SQLException {
        Map<Event, Long> indexes = new HashMap<>();
        if (events.isEmpty()) {
            return indexes;
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT l.agreement_id, l.sequence, l.log_index FROM transparency_log_leaf l
                JOIN unnest(?::varchar[], ?::bigint[]) AS k(agreement_id, sequence)
                ON l.agreement_id = k.agreement_id AND l.sequence = k.sequence""")) {
            statement.setArray(1, connection.createArrayOf("varchar", events.stream().map(Event::agreementId).toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", events.stream().map(Event::sequence).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.put(new Event(rows.getString(1), rows.getLong(2)), rows.getLong(3));
                }
            }
        }
        return indexes;
    }
}
