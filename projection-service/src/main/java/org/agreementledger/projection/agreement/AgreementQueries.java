package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
            rs.getObject("ended_on", java.time.LocalDate.class), tree(rs.getString("terms")),
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

    List<AgreementView> findAgreements(String visibleTo, String party, String status, boolean heldOnly, int page, int size) {
        StringBuilder sql = new StringBuilder("SELECT * FROM agreement_view WHERE true");
        List<Object> args = new java.util.ArrayList<>();
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
        List<AgreementView> views = jdbc.query(sql.toString(), agreement, args.toArray());
        Map<String, String> holds = parked.holds();
        return views.stream().map(view -> view.heldBecause(holds.get(view.agreementId()))).toList();
    }

    List<HistoryEntry> findHistory(String agreementId) {
        return jdbc.query("""
                SELECT sequence, event_id, type, occurred_at, principal, country, correlation_id, causation_id, payload
                FROM agreement_history WHERE agreement_id = ? ORDER BY sequence""",
                (rs, row) -> new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), tree(rs.getString(9))),
                agreementId);
    }

    private static List<String> read(String json) {
        try {
            return LedgerJson.mapper().readValue(json, STRINGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return LedgerJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
