package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

@Repository
class AgreementQueries {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };


    private final JdbcTemplate jdbc;
    private final ParkedEvents parked;

    AgreementQueries(JdbcTemplate jdbc, ParkedEvents parked) {
        this.jdbc = jdbc;
        this.parked = parked;
    }

    private final RowMapper<AgreementView> agreement = (rs, row) -> new AgreementView(
            rs.getString("agreement_id"), rs.getString("offering_party"), read(rs.getString("parties")),
            rs.getString("title"), rs.getObject("offered_on", java.time.LocalDate.class), rs.getString("status"),
            read(rs.getString("accepted_by")), rs.getObject("in_force_on", java.time.LocalDate.class),
            rs.getObject("ended_on", java.time.LocalDate.class), rs.getString("terms"),
            rs.getString("source_reference"), rs.getLong("version"), rs.getTimestamp("last_event_at").toInstant(),
            false, null);

    Optional<AgreementView> findAgreement(String agreementId) {
        return jdbc.query("SELECT * FROM agreement_view WHERE agreement_id = ?", agreement, agreementId)
                .stream().findFirst().map(view -> view.heldBecause(parked.hold(agreementId).orElse(null)));
    }

    /** Why the agreement is held, also when none of its events is applied yet (its offer is parked). */
    Optional<String> hold(String agreementId) {
        return parked.hold(agreementId);
    }

    /**
     * Writes a page of agreements as a JSON array (see {@link Json#writeArrayInChunks}): a page of 500 agreements at the
     * contract's bounds is some 100 MB of JSON, which two requests held at once could not fit in the heap (run X).
     * The first chunk starts at the page's offset, each further one after the last agreement written.
     */
    void writeAgreements(String visibleTo, String party, String status, boolean heldOnly, int page, int size,
                         ObjectMapper mapper, OutputStream out) {
        StringBuilder filters = new StringBuilder("SELECT * FROM agreement_view WHERE true");
        List<Object> filterArgs = new java.util.ArrayList<>();
        if (visibleTo != null) {
            filters.append(" AND parties @> ?::jsonb");
            filterArgs.add("[\"" + visibleTo + "\"]");
        }
        if (party != null) {
            filters.append(" AND parties @> ?::jsonb");
            filterArgs.add("[\"" + party + "\"]");
        }
        if (status != null) {
            filters.append(" AND status = ?");
            filterArgs.add(status);
        }
        if (heldOnly) {
            filters.append(" AND agreement_id IN (SELECT agreement_id FROM parked_event)");
        }
        int[] left = {size};
        Json.<AgreementView>writeArrayInChunks(mapper, out, last -> {
            if (left[0] == 0) {
                return List.of();
            }
            StringBuilder sql = new StringBuilder(filters);
            List<Object> args = new java.util.ArrayList<>(filterArgs);
            if (last != null) {
                sql.append(" AND (offered_on, agreement_id) > (?, ?)");
                args.add(last.offeredOn());
                args.add(last.agreementId());
            }
            sql.append(" ORDER BY offered_on, agreement_id LIMIT ?");
            args.add(Math.min(left[0], Json.ROWS_PER_CHUNK));
            if (last == null) {
                sql.append(" OFFSET ?");
                args.add((long) page * size);
            }
            List<AgreementView> rows = jdbc.query(sql.toString(), agreement, args.toArray());
            Map<String, String> holds = parked.holdsOf(rows.stream().map(AgreementView::agreementId).toList());
            List<AgreementView> chunk = rows.stream().map(view -> view.heldBecause(holds.get(view.agreementId()))).toList();
            left[0] -= chunk.size();
            return chunk;
        });
    }

    boolean hasHistory(String agreementId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM agreement_history WHERE agreement_id = ?)", Boolean.class, agreementId));
    }

    /**
     * Writes the agreement's timeline as a JSON array, oldest first (see {@link Json#writeArrayInChunks}): an agreement with
     * 100,000 events is never held whole (as trees, a long timeline ran the projection out of heap: run X).
     */
    void writeHistory(String agreementId, ObjectMapper mapper, OutputStream out) {
        Json.<HistoryEntry>writeArrayInChunks(mapper, out, last -> jdbc.query("""
                SELECT sequence, event_id, type, occurred_at, principal, country, correlation_id, causation_id, payload
                FROM agreement_history WHERE agreement_id = ? AND sequence > ? ORDER BY sequence LIMIT ?""",
                (rs, row) -> new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9)),
                agreementId, last == null ? -1 : last.sequence(), Json.ROWS_PER_CHUNK));
    }

    private static List<String> read(String json) {
        try {
            return LedgerJson.mapper().readValue(json, STRINGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
