package org.agreementledger.projection.country;

import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.views.CommitmentUse;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.DerivedView;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.consumer.VarcharArrays;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps {@code commitment_use}: per agreement, receiving country, accept commitment and period, the transfers to the
 * receiver and the persons the commitment took of them, counted with the contract's {@link CommitmentUse} as the
 * ledger counts them. A transfer's share is kept in {@code transfer_coverage}; when an event changes a transfer, or the
 * terms that decide which commitment takes whom, only the difference between its old and new share is added. A
 * country's view then reads its use in one query, whatever the number of transfers behind it.
 */
@Component
class CommitmentUseProjector implements DerivedView {

    private static final TypeReference<List<Headcount>> HEADCOUNTS = new TypeReference<>() {
    };

    /** Where a commitment without capacity keeps its count: it has no periods. */
    static final String NO_PERIOD = "";

    /** Agreements whose transfers a recount of everything holds in memory at once. */
    private static final int RECOUNTED_AGREEMENTS = 1_000;

    private record TransferKey(String agreementId, String transferId) {
    }

    private record UseKey(String agreementId, String receiver, int commitment, String period) {
    }

    @Override
    public void refresh(List<AppliedEvent> applied, JdbcTemplate jdbc) {
        Set<TransferKey> changed = new LinkedHashSet<>();
        Set<String> reTermed = new LinkedHashSet<>();
        for (AppliedEvent event : applied) {
            if (event.event() instanceof TransferRecorded recorded) {
                changed.add(new TransferKey(recorded.agreementId().value(), recorded.transferId().value()));
            } else if (event.event() instanceof TransferCorrected corrected) {
                changed.add(new TransferKey(corrected.agreementId().value(), corrected.transferId().value()));
            } else if (event.event() instanceof TransferCancelled cancelled) {
                changed.add(new TransferKey(cancelled.agreementId().value(), cancelled.transferId().value()));
            } else if (event.event() instanceof OfferAmended amended) {
                reTermed.add(amended.agreementId().value());
            }
        }
        if (!reTermed.isEmpty()) {
            changed.addAll(transfersOf(reTermed, jdbc));
        }
        if (!changed.isEmpty()) {
            recount(changed, jdbc);
        }
    }

    /** Counts the use of every transfer in the views, an agreement's at a time: what the views held before this view. */
    void recountAll(JdbcTemplate jdbc) {
        List<String> agreements = jdbc.queryForList("SELECT DISTINCT agreement_id FROM transfer_view ORDER BY 1",
                String.class);
        for (int from = 0; from < agreements.size(); from += RECOUNTED_AGREEMENTS) {
            Set<String> chunk = new LinkedHashSet<>(agreements.subList(from,
                    Math.min(agreements.size(), from + RECOUNTED_AGREEMENTS)));
            recount(transfersOf(chunk, jdbc), jdbc);
        }
    }

    /** Brings the shares of these transfers, and the use they add up to, in line with the views. */
    private void recount(Collection<TransferKey> transfers, JdbcTemplate jdbc) {
        String[] agreementIds = transfers.stream().map(TransferKey::agreementId).toArray(String[]::new);
        String[] transferIds = transfers.stream().map(TransferKey::transferId).toArray(String[]::new);
        Map<String, AgreementTerms> terms = new HashMap<>();
        query(jdbc, "SELECT agreement_id, terms FROM agreement_view WHERE agreement_id = ANY (?)",
                List.<String[]>of(distinct(agreementIds)), rs -> terms.put(rs.getString(1),
                        LedgerJson.mapper().convertValue(Json.tree(rs.getString(2)), AgreementTerms.class)));
        Map<TransferKey, Map<UseKey, Long>> now = new LinkedHashMap<>();
        query(jdbc, """
                SELECT agreement_id, transfer_id, from_country, to_country, transfer_date, status, headcounts
                FROM transfer_view WHERE (agreement_id, transfer_id) IN (SELECT * FROM unnest(?, ?))""",
                List.of(agreementIds, transferIds), rs -> {
                    TransferKey key = new TransferKey(rs.getString(1), rs.getString(2));
                    AgreementTerms agreement = terms.get(key.agreementId());
                    boolean counts = agreement != null && !"CANCELLED".equals(rs.getString(6));
                    now.put(key, counts ? share(key.agreementId(), agreement, new Coverage.Movement(
                            CountryCode.of(rs.getString(3)), CountryCode.of(rs.getString(4)),
                            rs.getObject(5, LocalDate.class), Json.read(rs.getString(7), HEADCOUNTS))) : Map.of());
                });
        Map<TransferKey, Map<UseKey, Long>> before = new HashMap<>();
        query(jdbc, """
                SELECT agreement_id, transfer_id, receiver, commitment, period, persons FROM transfer_coverage
                WHERE (agreement_id, transfer_id) IN (SELECT * FROM unnest(?, ?))""",
                List.of(agreementIds, transferIds), rs -> before
                        .computeIfAbsent(new TransferKey(rs.getString(1), rs.getString(2)), key -> new HashMap<>())
                        .put(new UseKey(rs.getString(1), rs.getString(3), rs.getInt(4), rs.getString(5)), rs.getLong(6)));

        Map<UseKey, long[]> delta = new LinkedHashMap<>();
        List<Object[]> forgotten = new ArrayList<>();
        List<Object[]> shares = new ArrayList<>();
        for (TransferKey transfer : transfers) {
            Map<UseKey, Long> old = before.getOrDefault(transfer, Map.of());
            Map<UseKey, Long> current = now.getOrDefault(transfer, Map.of());
            if (old.equals(current)) {
                continue;
            }
            old.forEach((use, persons) -> add(delta, use, -1, -persons));
            current.forEach((use, persons) -> add(delta, use, 1, persons));
            forgotten.add(new Object[]{transfer.agreementId(), transfer.transferId()});
            current.forEach((use, persons) -> shares.add(new Object[]{transfer.agreementId(), transfer.transferId(),
                    use.receiver(), use.commitment(), use.period(), persons}));
        }
        if (forgotten.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("DELETE FROM transfer_coverage WHERE agreement_id = ? AND transfer_id = ?", forgotten);
        jdbc.batchUpdate("""
                INSERT INTO transfer_coverage (agreement_id, transfer_id, receiver, commitment, period, persons)
                VALUES (?, ?, ?, ?, ?, ?)""", shares);
        List<Object[]> uses = new ArrayList<>();
        delta.forEach((use, change) -> {
            if (change[0] != 0 || change[1] != 0) {
                uses.add(new Object[]{use.agreementId(), use.receiver(), use.commitment(), use.period(), change[0], change[1]});
            }
        });
        jdbc.batchUpdate("""
                INSERT INTO commitment_use (agreement_id, receiver, commitment, period, transfers, persons)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (agreement_id, receiver, commitment, period) DO UPDATE
                SET transfers = commitment_use.transfers + EXCLUDED.transfers,
                    persons = commitment_use.persons + EXCLUDED.persons""", uses);
        jdbc.update(VarcharArrays.statement("DELETE FROM commitment_use WHERE agreement_id = ANY (?) AND transfers = 0",
                distinct(agreementIds)));
    }

    /** What one transfer that is not cancelled adds to the use of its receiver's accept commitments. */
    private static Map<UseKey, Long> share(String agreementId, AgreementTerms terms, Coverage.Movement movement) {
        Map<UseKey, Long> share = new HashMap<>();
        String receiver = movement.to().value();
        for (CommitmentUse use : CommitmentUse.of(terms, movement.to(), List.of(movement))) {
            if (use.terms().capacity() == null) {
                share.put(new UseKey(agreementId, receiver, use.commitment(), NO_PERIOD), use.personsReceived());
            } else {
                use.usedPerPeriod().forEach((period, persons) ->
                        share.put(new UseKey(agreementId, receiver, use.commitment(), period), persons));
            }
        }
        return share;
    }

    private static void add(Map<UseKey, long[]> delta, UseKey use, long transfers, long persons) {
        long[] change = delta.computeIfAbsent(use, key -> new long[2]);
        change[0] += transfers;
        change[1] += persons;
    }

    private static List<TransferKey> transfersOf(Set<String> agreementIds, JdbcTemplate jdbc) {
        List<TransferKey> transfers = new ArrayList<>();
        query(jdbc, "SELECT agreement_id, transfer_id FROM transfer_view WHERE agreement_id = ANY (?)",
                List.<String[]>of(agreementIds.toArray(String[]::new)),
                rs -> transfers.add(new TransferKey(rs.getString(1), rs.getString(2))));
        return transfers;
    }

    private static String[] distinct(String[] ids) {
        return new LinkedHashSet<>(List.of(ids)).toArray(String[]::new);
    }

    private static void query(JdbcTemplate jdbc, String sql, List<String[]> arrays, RowCallbackHandler rows) {
        jdbc.query(VarcharArrays.statement(sql, arrays.toArray(String[][]::new)), rows);
    }
}
