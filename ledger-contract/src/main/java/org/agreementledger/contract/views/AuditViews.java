package org.agreementledger.contract.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.CanonicalJson;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every stored view in one document, the shape in which the projection-service ({@code GET /audit/views}) and the
 * auditor ({@code replay}) both state them, so that their canonical JSON can be compared byte for byte.
 * Dates are ISO strings, instants RFC 3339 in UTC, amounts plain decimals without trailing zeros.
 */
public record AuditViews(
        List<AgreementRow> agreements,
        List<TransferRow> transfers,
        List<FeeRow> fees,
        List<HistoryRow> history,
        List<CommitmentRow> countryCommitments) {

    public AuditViews {
        agreements = agreements.stream().sorted(Comparator.comparing(AgreementRow::agreementId)).toList();
        transfers = transfers.stream().sorted(Comparator.comparing(TransferRow::agreementId)
                .thenComparing(TransferRow::transferId)).toList();
        fees = fees.stream().sorted(Comparator.comparing(FeeRow::agreementId).thenComparing(FeeRow::payer)
                .thenComparing(FeeRow::payee).thenComparing(FeeRow::currency)).toList();
        history = history.stream().sorted(Comparator.comparing(HistoryRow::agreementId)
                .thenComparingLong(HistoryRow::sequence)).toList();
        // a document from before the country commitments were compared has none
        countryCommitments = countryCommitments == null ? List.of() : countryCommitments.stream()
                .sorted(Comparator.comparing(CommitmentRow::country).thenComparing(CommitmentRow::agreementId)
                        .thenComparingInt(CommitmentRow::commitment)).toList();
    }

    /** An agreement: terms, parties, acceptances and status. */
    public record AgreementRow(String agreementId, String offeringParty, List<String> parties, String title,
                               String offeredOn, String status, JsonNode terms, List<String> acceptedBy,
                               String inForceOn, String endedOn, String sourceReference, long version,
                               String lastEventAt) {
    }

    /** A transfer with its current counts, the counts first recorded, and every correction, linked to what it corrects. */
    public record TransferRow(String agreementId, String transferId, String fromCountry, String toCountry,
                              String transferDate, String status, int persons, JsonNode headcounts, String reference,
                              long recordedSequence, Integer originalPersons, JsonNode originalHeadcounts,
                              JsonNode corrections, String completedOn, String cancelledOn) {
    }

    /** Fees assessed and paid between two parties of an agreement in one currency. */
    public record FeeRow(String agreementId, String payer, String payee, String currency, String assessed, String paid,
                         String outstanding) {
    }

    /** Who did what when: one entry per event. */
    public record HistoryRow(String agreementId, long sequence, String eventId, String type, String occurredAt,
                             String principal, String country, String correlationId, String causationId) {
    }

    /**
     * How much of one accept commitment a country has used under one agreement, as its country view shows it
     * ({@link CommitmentUse}): only the periods in which it took someone.
     */
    public record CommitmentRow(String country, String agreementId, int commitment, Integer capacityPersons,
                                String capacityPeriod, long personsReceived, SortedMap<String, Long> usedPerPeriod) {

        public CommitmentRow {
            SortedMap<String, Long> taken = new TreeMap<>();
            usedPerPeriod.forEach((period, persons) -> {
                if (persons != 0) {
                    taken.put(period, persons);
                }
            });
            usedPerPeriod = Collections.unmodifiableSortedMap(taken);
        }
    }

    public static String amount(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    /** Each view by name, as canonical JSON (RFC 8785): the files {@code replay} writes and {@code compare} compares. */
    public Map<String, byte[]> canonicalViews() {
        ObjectNode document = LedgerJson.mapper().valueToTree(this);
        Map<String, byte[]> views = new LinkedHashMap<>();
        for (String name : List.of("agreements", "transfers", "fees", "history", "countryCommitments")) {
            views.put(name, CanonicalJson.bytes(document.get(name)));
        }
        return views;
    }

    public static AuditViews fromJson(byte[] json) {
        try {
            return LedgerJson.mapper().readValue(json, AuditViews.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an audit views document: " + e.getMessage(), e);
        }
    }
}
