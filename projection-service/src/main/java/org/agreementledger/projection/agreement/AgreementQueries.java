package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Repository
class AgreementQueries {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** Rows the driver holds at a time while a list is streamed (a cursor needs a transaction). */
    private static final int ROWS_FETCHED = 64;

    private final JdbcTemplate jdbc;
    private final ParkedEvents parked;
    private final TransactionTemplate readOnly;

    AgreementQueries(JdbcTemplate jdbc, ParkedEvents parked, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.parked = parked;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
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
     * Writes a page of agreements as a JSON array (see {@link #writeRows}): a page of 500 agreements at the contract's
     * bounds is some 100 MB of JSON, which two requests held at once could not fit in the heap (run X).
     */
    void writeAgreements(String visibleTo, String party, String status, boolean heldOnly, int page, int size,
                         ObjectMapper mapper, OutputStream out) {
        List<Object> args = new java.util.ArrayList<>();
        String sql = agreementsQuery(visibleTo, party, status, heldOnly, page, size, args);
        Map<String, String> holds = parked.holds();
        writeRows(sql, args, (rs, row) -> {
            AgreementView view = agreement.mapRow(rs, row);
            return view.heldBecause(holds.get(view.agreementId()));
        }, mapper, out);
    }

    private static String agreementsQuery(String visibleTo, String party, String status, boolean heldOnly, int page,
                                          int size, List<Object> args) {
        StringBuilder sql = new StringBuilder("SELECT * FROM agreement_view WHERE true");
        if (visibleTo != null) {
            sql.append(" AND parties @> ?::jsonb");
            args.add("[\"" + visibleTo + "\"]");
        }
        if (party != null) {
            sql.append(" AND parties @> ?::jsonb");
            args.add("[\"" + party + "\"]");
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (heldOnly) {
            sql.append(" AND agreement_id IN (SELECT agreement_id FROM parked_event)");
        }
        sql.append(" ORDER BY offered_on, agreement_id LIMIT ? OFFSET ?");
        args.add(size);
        args.add((long) page * size);
        return sql.toString();
    }

    boolean hasHistory(String agreementId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM agreement_history WHERE agreement_id = ?)", Boolean.class, agreementId));
    }

    /**
     * Writes the agreement's timeline as a JSON array, oldest first (see {@link #writeRows}): an agreement with
     * 100,000 events is never held whole (as trees, a long timeline ran the projection out of heap: run X).
     */
    void writeHistory(String agreementId, ObjectMapper mapper, OutputStream out) {
        writeRows("""
                SELECT sequence, event_id, type, occurred_at, principal, country, correlation_id, causation_id, payload
                FROM agreement_history WHERE agreement_id = ? ORDER BY sequence""", List.of(agreementId),
                (rs, row) -> new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9)), mapper, out);
    }

    /** Writes the rows of a query as a JSON array, one at a time from a cursor, so that a long answer is never held whole. */
    private <T> void writeRows(String sql, List<Object> args, RowMapper<T> rows, ObjectMapper mapper, OutputStream out) {
        ObjectWriter writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        readOnly.executeWithoutResult(transaction -> {
            try (JsonGenerator json = mapper.getFactory().createGenerator(out)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
                json.writeStartArray();
                int[] row = {0};
                jdbc.query(connection -> {
                    PreparedStatement statement = connection.prepareStatement(sql);
                    statement.setFetchSize(ROWS_FETCHED);
                    for (int i = 0; i < args.size(); i++) {
                        statement.setObject(i + 1, args.get(i));
                    }
                    return statement;
                }, rs -> {
                    try {
                        writer.writeValue(json, rows.mapRow(rs, row[0]++));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                json.writeEndArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static List<String> read(String json) {
        try {
            return LedgerJson.mapper().readValue(json, STRINGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
