package org.agreementledger.projection.consumer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The table {@code parked_event}, in whichever views the connection's search path names (the live ones, a rebuild's
 * twin, an as-of scratch schema). An agreement is <em>held</em> while any of its events is parked: its later
 * events are parked behind it rather than applied out of order.
 */
@Repository
public class ParkedEvents {

    public enum Reason { FAILED, HELD }

    private static final int ERROR_LENGTH = 2_000;

    /** Every parked record in the order they were consumed, for a reader that streams them ({@link #ROW}). */
    public static final String IN_ORDER = "SELECT * FROM parked_event ORDER BY topic, kafka_partition, kafka_offset";
    public static final RowMapper<ParkedEvent> ROW = (rs, row) -> new ParkedEvent(rs.getString("topic"),
            rs.getInt("kafka_partition"), rs.getLong("kafka_offset"), rs.getString("agreement_id"),
            (Long) rs.getObject("sequence"), rs.getString("event_type"), Reason.valueOf(rs.getString("reason")),
            rs.getString("error"), rs.getTimestamp("parked_at").toInstant());

    private static final Logger log = LoggerFactory.getLogger(ParkedEvents.class);

    private final JdbcTemplate jdbc;
    /** The live views' count, for gauges that must not wait for the database; null until first counted. */
    private volatile Count count;
    private volatile boolean countFailing;

    /**
     * Parked events in the live views, by reason, how many agreements they hold, and the first
     * {@value #HELD_LISTED} of those by id (a faulty release can hold nearly every agreement).
     */
    public record Count(Map<Reason, Long> byReason, long held, List<String> firstHeld) {

        public static final int HELD_LISTED = 100;

        public long total() {
            return byReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    ParkedEvents(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (Reason reason : Reason.values()) {
            Gauge.builder("projection.events.parked", this, parked -> parked.counted(c -> c.byReason().getOrDefault(reason, 0L)))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Events parked in the live views: failed ones, and those held behind them").register(meters);
        }
        Gauge.builder("projection.agreements.held", this, parked -> parked.counted(Count::held))
                .description("Agreements whose events are not applied because one of them is parked").register(meters);
        recount();
    }

    /**
     * Counts the live views' parked events again: after every change to them (a batch that parked, a retry, a rebuild's
     * swap) and at every health check. A scrape then reads memory, even while the database does not answer.
     */
    public Count recount() {
        try {
            Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
            jdbc.query("SELECT reason, count(*) FROM " + EventApplier.LIVE_SCHEMA + ".parked_event GROUP BY reason",
                    rs -> {
                        byReason.put(Reason.valueOf(rs.getString(1)), rs.getLong(2));
                    });
            Long held = jdbc.queryForObject("SELECT count(DISTINCT agreement_id) FROM " + EventApplier.LIVE_SCHEMA
                    + ".parked_event", Long.class);
            List<String> firstHeld = jdbc.queryForList("SELECT DISTINCT agreement_id FROM " + EventApplier.LIVE_SCHEMA
                    + ".parked_event WHERE agreement_id IS NOT NULL ORDER BY agreement_id LIMIT " + Count.HELD_LISTED,
                    String.class);
            count = new Count(Map.copyOf(byReason), held == null ? 0 : held, firstHeld);
            countFailing = false;
        } catch (DataAccessException e) {
            if (!countFailing) {
                log.warn("Could not count the parked events; the gauges keep the last count: {}", e.getMessage());
            }
            countFailing = true;
        }
        return count;
    }

    private double counted(ToDoubleFunction<Count> value) {
        Count last = count;
        return last == null ? Double.NaN : value.applyAsDouble(last);
    }

    /**
     * Those of {@code agreements} that are held, each with the sequence of its first parked event: a batch asks about
     * its own agreements only, not every held one.
     */
    public Map<String, Long> heldOf(Collection<String> agreements) {
        Map<String, Long> held = new HashMap<>();
        if (!agreements.isEmpty()) {
            jdbc.query(VarcharArrays.statement("SELECT agreement_id, min(sequence) FROM parked_event"
                            + " WHERE agreement_id = ANY (?) GROUP BY agreement_id", agreements.toArray(String[]::new)),
                    (RowCallbackHandler) rs -> {
                        held.put(rs.getString(1), rs.getLong(2));
                    });
        }
        return held;
    }

    /** Parks a record; parking it again (a retry that failed) keeps when it was first parked. */
    public void park(ConsumerRecord<?, ?> record, String agreementId, Long sequence, String type, Reason reason,
                     String error) {
        jdbc.update("""
                INSERT INTO parked_event (topic, kafka_partition, kafka_offset, agreement_id, sequence, event_type, reason, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (topic, kafka_partition, kafka_offset)
                DO UPDATE SET reason = EXCLUDED.reason, error = EXCLUDED.error""",
                record.topic(), record.partition(), record.offset(), agreementId, sequence, storable(type),
                reason.name(), storable(error));
    }

    public void unpark(ConsumerRecord<?, ?> record) {
        jdbc.update("DELETE FROM parked_event WHERE topic = ? AND kafka_partition = ? AND kafka_offset = ?",
                record.topic(), record.partition(), record.offset());
    }

    /**
     * The parked records, or one agreement's, in the order they were consumed, {@code size} from the {@code page}-th
     * such page on.
     */
    public List<ParkedEvent> page(Optional<String> agreementId, int page, int size) {
        long offset = (long) page * size;
        return agreementId.isPresent()
                ? jdbc.query("SELECT * FROM parked_event WHERE agreement_id = ? ORDER BY topic, kafka_partition, kafka_offset"
                + " LIMIT ? OFFSET ?", ROW, agreementId.get(), size, offset)
                : jdbc.query(IN_ORDER + " LIMIT ? OFFSET ?", ROW, size, offset);
    }

    /** Every parked record of one agreement, in the order they were consumed. */
    public List<ParkedEvent> of(String agreementId) {
        return ofAgreements(List.of(agreementId));
    }

    /** The last of the agreements with parked records, in the order of their ids; empty when none is held. */
    public Optional<String> lastHeld() {
        return Optional.ofNullable(jdbc.queryForObject("SELECT max(agreement_id) FROM parked_event", String.class));
    }

    /**
     * Up to {@code limit} agreements with parked records, in the order of their ids, after {@code after} (null: from
     * the first) and up to {@code until}.
     */
    public List<String> agreementsBetween(String after, String until, int limit) {
        return jdbc.queryForList("""
                SELECT DISTINCT agreement_id FROM parked_event WHERE agreement_id > ? AND agreement_id <= ?
                ORDER BY agreement_id LIMIT ?""", String.class, after == null ? "" : after, until, limit);
    }

    /**
     * Every parked record of {@code agreements}, in the order they were consumed: a round of a retry takes whole
     * agreements, so that none is released with some of its records still parked.
     */
    public List<ParkedEvent> ofAgreements(List<String> agreements) {
        return jdbc.query("""
                SELECT * FROM parked_event WHERE agreement_id = ANY (?::varchar[])
                ORDER BY topic, kafka_partition, kafka_offset""", ROW, (Object) agreements.toArray(String[]::new));
    }

    /** How many parked records name no agreement (unreadable ones). */
    public long unattributed() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM parked_event WHERE agreement_id IS NULL", Long.class);
        return count == null ? 0 : count;
    }

    /**
     * Up to {@code limit} parked records that name no agreement (unreadable ones), in the order they were consumed,
     * after {@code after} (null: from the first).
     */
    public List<ParkedEvent> unattributedAfter(ParkedEvent after, int limit) {
        return jdbc.query("""
                SELECT * FROM parked_event WHERE agreement_id IS NULL AND (topic, kafka_partition, kafka_offset) > (?, ?, ?)
                ORDER BY topic, kafka_partition, kafka_offset LIMIT ?""", ROW,
                after == null ? "" : after.topic(), after == null ? -1 : after.partition(),
                after == null ? -1L : after.offset(), limit);
    }

    /**
     * Why each of {@code agreements} that is held is held, in words: its first failed event and how many wait behind
     * it. Asked for the agreements at hand only: a faulty release can hold nearly every agreement, each reason up to
     * a few KB with its error.
     */
    public Map<String, String> holdsOf(Collection<String> agreements) {
        return holds(" AND agreement_id = ANY (?::varchar[])", new Object[]{agreements.toArray(String[]::new)});
    }

    public Optional<String> hold(String agreementId) {
        return Optional.ofNullable(holds(" AND agreement_id = ?", new Object[]{agreementId}).get(agreementId));
    }

    private Map<String, String> holds(String condition, Object[] args) {
        Map<String, String> holds = new LinkedHashMap<>();
        jdbc.query("SELECT DISTINCT ON (agreement_id) agreement_id, sequence, event_type, error,"
                        + " count(*) OVER (PARTITION BY agreement_id) AS parked"
                        + " FROM parked_event WHERE agreement_id IS NOT NULL" + condition
                        + " ORDER BY agreement_id, reason = 'HELD', sequence, kafka_offset",
                rs -> {
                    long behind = rs.getLong("parked") - 1;
                    holds.put(rs.getString("agreement_id"), "event " + rs.getLong("sequence") + " ("
                            + rs.getString("event_type") + ") could not be applied: " + rs.getString("error")
                            + (behind > 0 ? "; " + behind + " later event(s) parked behind it" : ""));
                }, args);
        return holds;
    }

    /** PostgreSQL text holds no NUL; an error message is kept to a readable length. */
    private static String storable(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replace('\0', '?');
        return clean.length() > ERROR_LENGTH ? clean.substring(0, ERROR_LENGTH) + "…" : clean;
    }
}
