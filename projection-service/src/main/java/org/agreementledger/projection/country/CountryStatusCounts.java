package org.agreementledger.projection.country;

import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.DerivedView;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.consumer.VarcharArrays;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps {@code country_status}: per country, status and partition, the agreements the country is party to. An offer
 * adds its agreement to OFFERED for each party; a change of status moves it from the status it had before the batch
 * (which the agreement projector leaves in {@code status_before_batch}) to the one it has after. A country's view then
 * counts its agreements in one read of a few rows, however many agreements it is party to.
 */
@Component
class CountryStatusCounts implements DerivedView {

    private static final TypeReference<List<String>> PARTIES = new TypeReference<>() {
    };

    private record Key(String country, String status, int partition) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byCountry = country.compareTo(other.country);
            int byStatus = byCountry != 0 ? byCountry : status.compareTo(other.status);
            return byStatus != 0 ? byStatus : Integer.compare(partition, other.partition);
        }
    }

    @Override
    public void refresh(List<AppliedEvent> applied, JdbcTemplate jdbc) {
        Map<String, AgreementOffered> offered = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        Set<String> otherwiseChanged = new LinkedHashSet<>();
        for (AppliedEvent event : applied) {
            String agreementId = event.event().agreementId().value();
            partitionOf.put(agreementId, event.partition());
            if (event.event() instanceof AgreementOffered offer) {
                offered.put(agreementId, offer);
            } else {
                otherwiseChanged.add(agreementId);
            }
        }
        // sorted, so that two transactions that share rows would lock them in the same order
        Map<Key, Long> delta = new TreeMap<>();
        Set<String> statusChanged = new LinkedHashSet<>();
        if (!otherwiseChanged.isEmpty()) {
            jdbc.query(VarcharArrays.statement("SELECT agreement_id, parties, status, status_before_batch "
                    + "FROM agreement_view WHERE agreement_id = ANY (?) AND status_before_batch IS NOT NULL",
                    otherwiseChanged.toArray(String[]::new)), rs -> {
                        String agreementId = rs.getString(1);
                        statusChanged.add(agreementId);
                        int partition = partitionOf.get(agreementId);
                        for (String party : parties(Json.read(rs.getString(2), PARTIES))) {
                            if (!offered.containsKey(agreementId)) {
                                delta.merge(new Key(party, rs.getString(4), partition), -1L, Long::sum);
                            }
                            delta.merge(new Key(party, rs.getString(3), partition), 1L, Long::sum);
                        }
                    });
        }
        offered.forEach((agreementId, offer) -> {
            if (!statusChanged.contains(agreementId)) {
                for (String party : parties(offer.parties().stream().map(CountryCode::value).toList())) {
                    delta.merge(new Key(party, "OFFERED", partitionOf.get(agreementId)), 1L, Long::sum);
                }
            }
        });
        if (!statusChanged.isEmpty()) {
            jdbc.update(VarcharArrays.statement("UPDATE agreement_view SET status_before_batch = NULL "
                    + "WHERE agreement_id = ANY (?)", statusChanged.toArray(String[]::new)));
        }
        List<Object[]> changes = new ArrayList<>();
        delta.forEach((key, change) -> {
            if (change != 0) {
                changes.add(new Object[]{key.country(), key.status(), key.partition(), change});
            }
        });
        if (changes.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                INSERT INTO country_status (country, status, kafka_partition, agreements) VALUES (?, ?, ?, ?)
                ON CONFLICT (country, status, kafka_partition) DO UPDATE
                SET agreements = country_status.agreements + EXCLUDED.agreements""", changes);
        jdbc.batchUpdate("DELETE FROM country_status WHERE country = ? AND status = ? AND kafka_partition = ? "
                + "AND agreements = 0", changes.stream().map(change -> new Object[]{change[0], change[1], change[2]})
                .toList());
    }

    /** Each party once, as a country's {@code parties @>} match counts it. */
    private static Set<String> parties(List<String> parties) {
        return new LinkedHashSet<>(parties);
    }
}
