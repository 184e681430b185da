package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Iterator;

/**
 * Every agreement's head among the events the publisher has had Kafka acknowledge, written into a checkpoint as the
 * rows arrive: one row in memory at a time, never a list of every head. Read from the event store whole once; after
 * that, the previous checkpoint's heads are carried forward and only the agreements that moved between its position
 * and the new one are read, so a checkpoint costs what changed, not every agreement the ledger holds (run Z22 found
 * the whole read at 2.3 s over about 100,000 agreements).
 */
@Component
class PublishedHeads {

    private static final int HEADS_PER_FETCH = 2_000;
    /** Every agreement's id, skipped along the (aggregate, sequence) index: one probe each, not a scan of every event. */
    private static final String AGREEMENTS = """
            WITH RECURSIVE agreement(id) AS (
                (SELECT aggregateidentifier FROM domainevententry ORDER BY aggregateidentifier LIMIT 1)
                UNION ALL
                SELECT (SELECT e.aggregateidentifier FROM domainevententry e
                        WHERE e.aggregateidentifier > agreement.id ORDER BY e.aggregateidentifier LIMIT 1)
                FROM agreement WHERE agreement.id IS NOT NULL)
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final CheckpointProperties properties;
    private final Timer everyHead;
    private final Timer movedHeads;
    private final Timer countedHeads;

    PublishedHeads(JdbcTemplate jdbc, PlatformTransactionManager transactions, CheckpointProperties properties,
                   MeterRegistry meters) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.properties = properties;
        this.everyHead = readTimer(meters, "every");
        this.movedHeads = readTimer(meters, "moved");
        this.countedHeads = readTimer(meters, "counted");
    }

    private static Timer readTimer(MeterRegistry meters, String heads) {
        return Timer.builder("ledger.checkpoints.read").tag("heads", heads)
                .description("Reading the heads of a checkpoint from the event store: every agreement's, only"
                        + " those that moved since the previous checkpoint, or counting them first after a start")
                .register(meters);
    }

    /**
     * The heads as far as {@code token} says: the agreements' ids skipped along the (aggregate, sequence) index and
     * each head read backwards from its end, two index probes per agreement rather than a sort of every event.
     */
    Checkpoint.Writer every(GapAwareTrackingToken token) {
        Checkpoint.Writer heads = new Checkpoint.Writer();
        everyHead.record(() -> read(con -> {
            PreparedStatement statement = con.prepareStatement(AGREEMENTS + """
                    SELECT head.aggregateidentifier, head.sequencenumber,
                           convert_from(head.metadata, 'UTF8')::jsonb ->> ? AS hash
                    FROM agreement CROSS JOIN LATERAL (
                        SELECT aggregateidentifier, sequencenumber, metadata FROM domainevententry e
                        WHERE e.aggregateidentifier = agreement.id AND e.globalindex <= ? AND NOT (e.globalindex = ANY (?))
                        ORDER BY e.sequencenumber DESC LIMIT 1) head
                    ORDER BY head.aggregateidentifier COLLATE "C\"""");
            statement.setString(1, ChainMetaData.HASH);
            statement.setLong(2, token.getIndex());
            statement.setArray(3, gaps(con, token));
            return statement;
        }, new Merge(Collections.emptyIterator(), heads)));
        return heads;
    }

    /**
     * Whether more than {@code max} agreements have a head as far as {@code token} says, counted along the
     * (aggregate, sequence) index up to {@code max} and one, without reading any head: on a ledger of millions of
     * agreements, a fraction of the read that {@link #every} would give up on at the limit (a minute under load, run
     * Z41). An agreement is there when its first event (sequence 0) is; those whose first event the token does not
     * cover yet (published later, or in its gaps) are counted apart and taken off, in the same statement and snapshot.
     */
    boolean moreThan(int max, GapAwareTrackingToken token) {
        Long counted = countedHeads.record(() -> readOnly.execute(status -> jdbc.query(con -> {
            con.setNetworkTimeout(Runnable::run, (int) properties.readTimeout().toMillis());
            PreparedStatement statement = con.prepareStatement(AGREEMENTS + """
                    , uncovered(n) AS (
                        SELECT (SELECT count(*) FROM domainevententry WHERE globalindex > ? AND sequencenumber = 0)
                             + (SELECT count(*) FROM domainevententry
                                WHERE globalindex = ANY (?) AND globalindex <= ? AND sequencenumber = 0))
                    SELECT (SELECT count(*) FROM (SELECT id FROM agreement WHERE id IS NOT NULL
                                                  LIMIT ? + (SELECT n FROM uncovered)) found)
                           - (SELECT n FROM uncovered)""");
            statement.setLong(1, token.getIndex());
            statement.setArray(2, gaps(con, token));
            statement.setLong(3, token.getIndex());
            statement.setLong(4, max + 1L);
            return statement;
        }, (ResultSet row) -> row.next() ? row.getLong(1) : 0L)));
        return counted != null && counted > max;
    }

    /**
     * The heads as far as {@code to} says, given the checkpoint {@code previous} (null for one of no heads) that held
     * them as far as {@code from} said: its heads, each replaced by the agreement's last event among those published
     * in between (beyond {@code from}'s index, or in its gaps and since filled), in one pass over both, in order.
     */
    Checkpoint.Writer carriedForward(Checkpoint.Signed previous, GapAwareTrackingToken from, GapAwareTrackingToken to) {
        Checkpoint.Writer heads = new Checkpoint.Writer();
        Iterator<Checkpoint.Head> before = previous == null ? Collections.emptyIterator() : Checkpoint.heads(previous.json());
        movedHeads.record(() -> read(con -> {
            PreparedStatement statement = con.prepareStatement("""
                    SELECT moved.aggregateidentifier, moved.sequencenumber,
                           convert_from(e.metadata, 'UTF8')::jsonb ->> ? AS hash
                    FROM (SELECT DISTINCT ON (aggregateidentifier COLLATE "C")
                                 aggregateidentifier, sequencenumber, globalindex
                          FROM domainevententry
                          WHERE (globalindex > ? OR globalindex = ANY (?)) AND globalindex <= ?
                            AND NOT (globalindex = ANY (?))
                          ORDER BY aggregateidentifier COLLATE "C", sequencenumber DESC) moved
                    JOIN domainevententry e ON e.globalindex = moved.globalindex
                    ORDER BY moved.aggregateidentifier COLLATE "C\"""");
            statement.setString(1, ChainMetaData.HASH);
            statement.setLong(2, from.getIndex());
            statement.setArray(3, gaps(con, from));
            statement.setLong(4, to.getIndex());
            statement.setArray(5, gaps(con, to));
            return statement;
        }, new Merge(before, heads)));
        return heads;
    }

    /**
     * A cursor needs a transaction (PostgreSQL's driver fetches everything at once in autocommit), and the read may
     * outlast the socket timeout that bounds a command's statements, so it has its own
     * ({@code ledger.checkpoints.read-timeout}); the pool restores the connection's own when it is returned.
     */
    private void read(PreparedStatementCreator query, Merge merge) {
        readOnly.executeWithoutResult(status -> jdbc.query(con -> {
            con.setNetworkTimeout(Runnable::run, (int) properties.readTimeout().toMillis());
            PreparedStatement statement = query.createPreparedStatement(con);
            statement.setFetchSize(HEADS_PER_FETCH);
            return statement;
        }, merge));
        merge.finish();
    }

    private static Array gaps(Connection con, GapAwareTrackingToken token) throws SQLException {
        return con.createArrayOf("bigint", token.getGaps().toArray(Long[]::new));
    }

    /**
     * Writes the rows read (sorted byte by byte, which is the checkpoint's order for ids without surrogate pairs; the
     * writer refuses any other) together with the heads carried from before: an agreement read replaces its head
     * from before, and one whose last event has no hash (recorded before events were chained) has none.
     */
    private final class Merge implements RowCallbackHandler {

        private final Iterator<Checkpoint.Head> before;
        private final Checkpoint.Writer heads;
        private Checkpoint.Head waiting;

        Merge(Iterator<Checkpoint.Head> before, Checkpoint.Writer heads) {
            this.before = before;
            this.heads = heads;
            this.waiting = nextBefore();
        }

        private Checkpoint.Head nextBefore() {
            return before.hasNext() ? before.next() : null;
        }

        @Override
        public void processRow(ResultSet row) throws SQLException {
            String agreementId = row.getString("aggregateidentifier");
            while (waiting != null && waiting.agreementId().compareTo(agreementId) < 0) {
                add(waiting);
                waiting = nextBefore();
            }
            long sequence = row.getLong("sequencenumber");
            if (waiting != null && waiting.agreementId().equals(agreementId)) {
                // a chain only grows, so what was read is further along; kept the other way should it ever not be
                Checkpoint.Head carried = waiting;
                waiting = nextBefore();
                if (carried.sequence() > sequence) {
                    add(carried);
                    return;
                }
            }
            String hash = row.getString("hash");
            if (hash != null) {
                add(new Checkpoint.Head(agreementId, sequence, hash));
            }
        }

        void finish() {
            while (waiting != null) {
                add(waiting);
                waiting = nextBefore();
            }
        }

        private void add(Checkpoint.Head head) {
            if (heads.size() >= properties.maxAgreements()) {
                throw new CheckpointPublisher.TooManyAgreements(properties.maxAgreements(), "");
            }
            heads.add(head);
        }
    }
}
