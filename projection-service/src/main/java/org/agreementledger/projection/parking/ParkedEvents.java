package org.agreementledger.projection.parking;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The table {@code parked_event}, in whichever views the connection's search path names (the live ones, a rebuild's
 * twin, an as-of scratch schema). An agreement is <em>held</em> while any of its events is parked: its later
 * events are parked behind it rather than applied out of order.
 */
@Repository
public class ParkedEvents {

    public enum Reason { FAILED, HELD }

    private static final int ERROR_LENGTH = 2_000;

    private static final RowMapper<ParkedEvent> PARKED = (rs, row) -> new ParkedEvent(rs.getString("topic"),
            rs.getInt("kafka_partition"), rs.getLong("kafka_offset"), rs.getString("agreement_id"),
            (Long) rs.getObject("sequence"), rs.getString("event_type"), Reason.valueOf(rs.getString("reason")),
            rs.getString("error"), rs.getTimestamp("parked_at").toInstant());

    private final JdbcTemplate jdbc;

    ParkedEvents(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (Reason reason : Reason.values()) {
            Gauge.builder("projection.events.parked", this, parked -> parked.orNaN(() -> parked.count(reason)))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Events parked in the live views: failed ones, and those held behind them").register(meters);
        }
        Gauge.builder("projection.agreements.held", this, parked -> parked.orNaN(() -> parked.heldAgreements().size()))
                .description("Agreements whose events are not applied because one of them is parked").register(meters);
    }

    /** Each held agreement, with the sequence of its first parked event. */
    public Map<String, Long> heldAgreements() {
        Map<String, Long> held = new HashMap<>();
        jdbc.query("SELECT agreement_id, min(sequence) FROM parked_event WHERE agreement_id IS NOT NULL GROUP BY agreement_id",
                rs -> {
                    held.put(rs.getString(1), rs.getLong(2));
                });
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

    /** Every parked record, or one agreement's, in the order they were consumed. */
    public List<ParkedEvent> list(Optional<String> agreementId) {
        return agreementId.isPresent()
                ? jdbc.query("SELECT * FROM parked_event WHERE agreement_id = ? ORDER BY topic, kafka_partition, kafka_offset",
                PARKED, agreementId.get())
                : jdbc.query("SELECT * FROM parked_event ORDER BY topic, kafka_partition, kafka_offset", PARKED);
    }

    /** Why each held agreement is held, in words: its first failed event and how many wait behind it. */
    public Map<String, String> holds() {
        return holds("", new Object[0]);
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

    public long count() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM parked_event", Long.class);
        return count == null ? 0 : count;
    }

    private long count(Reason reason) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM parked_event WHERE reason = ?", Long.class, reason.name());
        return count == null ? 0 : count;
    }

    private double orNaN(LongSupplier count) {
        try {
            return count.getAsLong();
        } catch (DataAccessException e) {
            return Double.NaN;
        }
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
