package org.agreementledger.ledger.axon;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Committed events' leaves in the transparency log. The event store numbers an event's leaf when its transaction
 * commits (the deferred trigger of migration V7), so a leaf can only be read after the commit; this reads those of
 * many events in one statement.
 */
public final class LogLeaves {

    /** An event by its agreement and sequence, as the log's leaves are keyed. */
    public record Event(String agreementId, long sequence) {
    }

    private LogLeaves() {
    }

    /** The leaf of each of these events that has one (every committed event that carries a hash). */
    public static Map<Event, LoggedEvent> of(Connection connection, Collection<Event> events) throws SQLException {
        Map<Event, LoggedEvent> leaves = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT l.agreement_id, l.sequence, encode(l.event_hash, 'hex'), l.log_index FROM transparency_log_leaf l
                JOIN unnest(?::varchar[], ?::bigint[]) AS k(agreement_id, sequence)
                ON l.agreement_id = k.agreement_id AND l.sequence = k.sequence""")) {
            statement.setArray(1, connection.createArrayOf("varchar", events.stream().map(Event::agreementId).toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", events.stream().map(Event::sequence).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    leaves.put(new Event(rows.getString(1), rows.getLong(2)),
                            new LoggedEvent(rows.getLong(2), rows.getString(3), rows.getLong(4)));
                }
            }
        }
        return leaves;
    }
}
