package org.agreementledger.auditor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.EventUpcasting;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.views.AuditViews;
import org.agreementledger.contract.views.AuditViews.AgreementRow;
import org.agreementledger.contract.views.AuditViews.CommitmentRow;
import org.agreementledger.contract.views.CommitmentUse;
import org.agreementledger.contract.views.AuditViews.FeeRow;
import org.agreementledger.contract.views.AuditViews.HistoryRow;
import org.agreementledger.contract.views.AuditViews.TransferRow;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every view rebuilt from the log alone, in memory, by the auditor's own reading of the events: written
 * independently of the projection-service's SQL so that agreeing with it means something. Like the projection, it
 * applies each agreement's events once and in sequence; a record that arrives early waits for its predecessor.
 * A record it cannot apply is reported ({@link #unapplied()}) and its agreement held: the agreement's later events
 * are counted, not applied, so its views stop before that record (records are read before any view changes, so
 * only a failure inside a view's own update could leave part of one there), and every other agreement is replayed in
 * full.
 */
final class ViewReplay {

    private static final TypeReference<List<Headcount>> HEADCOUNTS = new TypeReference<>() {
    };

    private final Map<String, Agreement> agreements = new HashMap<>();
    private final Map<String, Transfer> transfers = new HashMap<>();
    private final Map<String, Fee> fees = new HashMap<>();
    private final List<HistoryRow> history = new ArrayList<>();
    private final Map<String, Long> nextSequence = new HashMap<>();
    private final Map<String, TreeMap<Long, LogRecord>> early = new HashMap<>();
    private final List<Unapplied> unapplied = new ArrayList<>();
    /** Each held agreement, and how many of its later events wait behind the record it could not apply. */
    private final Map<String, Long> heldBehind = new HashMap<>();
    private long applied;

    /**
     * A record the replay could not apply, where it sits and why. {@code sequence} is null, and {@code agreementId}
     * the record's key, when its envelope could not be read; such a record holds nothing, as its place is unknown.
     */
    record Unapplied(String agreementId, Long sequence, int partition, long offset, String type, String error) {
    }

    private static final class Agreement {
        String agreementId;
        String offeringParty;
        List<String> parties;
        String title;
        String offeredOn;
        String status;
        JsonNode terms;
        List<String> acceptedBy = new ArrayList<>();
        String inForceOn;
        String endedOn;
        String sourceReference;
        long version;
        String lastEventAt;
    }

    private static final class Transfer {
        String agreementId;
        String transferId;
        String fromCountry;
        String toCountry;
        String transferDate;
        String status;
        int persons;
        JsonNode headcounts;
        String reference;
        long recordedSequence;
        int originalPersons;
        JsonNode originalHeadcounts;
        ArrayNode corrections = LedgerJson.mapper().createArrayNode();
        String completedOn;
        String cancelledOn;
    }

    private static final class Fee {
        String agreementId;
        String payer;
        String payee;
        String currency;
        BigDecimal assessed = BigDecimal.ZERO;
        BigDecimal paid = BigDecimal.ZERO;
    }

    void accept(LogRecord record) {
        EventEnvelope envelope;
        try {
            envelope = EventEnvelope.fromHeaders(record.headers());
        } catch (RuntimeException e) {
            unapplied.add(new Unapplied(record.key(), null, record.partition(), record.offset(),
                    record.header(EventHeaders.TYPE), "unreadable envelope: " + e.getMessage()));
            return;
        }
        String agreementId = envelope.agreementId().value();
        long expected = nextSequence.getOrDefault(agreementId, 0L);
        if (envelope.sequence() < expected) {
            return;
        }
        if (heldBehind.containsKey(agreementId)) {
            heldBehind.merge(agreementId, 1L, Long::sum);
            return;
        }
        if (envelope.sequence() > expected) {
            early.computeIfAbsent(agreementId, id -> new TreeMap<>()).putIfAbsent(envelope.sequence(), record);
            return;
        }
        apply(envelope, record);
        TreeMap<Long, LogRecord> waiting = early.get(agreementId);
        while (waiting != null && !waiting.isEmpty() && !heldBehind.containsKey(agreementId)
                && waiting.firstKey() == nextSequence.get(agreementId)) {
            LogRecord next = waiting.pollFirstEntry().getValue();
            apply(EventEnvelope.fromHeaders(next.headers()), next);
        }
    }

    /** Applies one event; if it cannot be, reports it and holds its agreement, with the events already waiting. */
    private void apply(EventEnvelope envelope, LogRecord record) {
        String agreementId = envelope.agreementId().value();
        try {
            AgreementEvent event = EventUpcasting.read(envelope.type(), envelope.schemaVersion(), record.body());
            applyToAgreement(envelope, event);
            applyToTransfers(envelope, event);
            applyToFees(event);
        } catch (RuntimeException e) {
            unapplied.add(new Unapplied(agreementId, envelope.sequence(), record.partition(), record.offset(),
                    envelope.type(), e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            TreeMap<Long, LogRecord> waiting = early.remove(agreementId);
            heldBehind.put(agreementId, waiting == null ? 0L : waiting.size());
            return;
        }
        nextSequence.put(agreementId, envelope.sequence() + 1);
        applied++;
        history.add(new HistoryRow(agreementId, envelope.sequence(), envelope.eventId(), envelope.type(),
                envelope.time().toString(), envelope.principal().orElse(null), envelope.country().orElse(null),
                envelope.correlationId().orElse(null), envelope.causationId().orElse(null)));
    }

    private void applyToAgreement(EventEnvelope envelope, AgreementEvent event) {
        String id = event.agreementId().value();
        if (event instanceof AgreementOffered offered) {
            Agreement agreement = new Agreement();
            agreement.agreementId = id;
            agreement.offeringParty = offered.offeringParty().value();
            agreement.parties = offered.parties().stream().map(CountryCode::value).toList();
            agreement.title = offered.terms().title();
            agreement.offeredOn = offered.offeredOn().toString();
            agreement.status = "OFFERED";
            agreement.terms = LedgerJson.mapper().valueToTree(offered.terms());
            agreement.sourceReference = offered.sourceReference();
            agreement.version = envelope.sequence();
            agreement.lastEventAt = envelope.time().toString();
            agreements.put(id, agreement);
            return;
        }
        Agreement agreement = agreements.get(id);
        if (agreement == null) {
            return;
        }
        if (event instanceof OfferAmended amended) {
            agreement.title = amended.terms().title();
            agreement.terms = LedgerJson.mapper().valueToTree(amended.terms());
            agreement.acceptedBy = new ArrayList<>();
        } else if (event instanceof AgreementAccepted accepted) {
            agreement.acceptedBy.add(accepted.acceptingParty().value());
        } else if (event instanceof AgreementEnteredIntoForce inForce) {
            agreement.status = "IN_FORCE";
            agreement.inForceOn = inForce.inForceOn().toString();
        } else if (event instanceof AgreementRejected rejected) {
            end(agreement, "REJECTED", rejected.rejectedOn());
        } else if (event instanceof OfferWithdrawn withdrawn) {
            end(agreement, "WITHDRAWN", withdrawn.withdrawnOn());
        } else if (event instanceof AgreementSuspended) {
            agreement.status = "SUSPENDED";
        } else if (event instanceof AgreementResumed) {
            agreement.status = "IN_FORCE";
        } else if (event instanceof AgreementTerminated terminated) {
            end(agreement, "TERMINATED", terminated.terminatedOn());
        } else if (event instanceof AgreementExpired expired) {
            end(agreement, "EXPIRED", expired.expiredOn());
        }
        agreement.version = envelope.sequence();
        agreement.lastEventAt = envelope.time().toString();
    }

    private static void end(Agreement agreement, String status, LocalDate on) {
        agreement.status = status;
        agreement.endedOn = on.toString();
    }

    private void applyToTransfers(EventEnvelope envelope, AgreementEvent event) {
        if (event instanceof TransferRecorded recorded) {
            Transfer transfer = new Transfer();
            transfer.agreementId = recorded.agreementId().value();
            transfer.transferId = recorded.transferId().value();
            transfer.fromCountry = recorded.fromCountry().value();
            transfer.toCountry = recorded.toCountry().value();
            transfer.transferDate = recorded.transferDate().toString();
            transfer.status = "RECORDED";
            transfer.persons = recorded.persons();
            transfer.headcounts = LedgerJson.mapper().valueToTree(recorded.headcounts());
            transfer.reference = recorded.reference();
            transfer.recordedSequence = envelope.sequence();
            transfer.originalPersons = transfer.persons;
            transfer.originalHeadcounts = transfer.headcounts;
            transfers.put(transfer.agreementId + "/" + transfer.transferId, transfer);
        } else if (event instanceof TransferCompleted completed) {
            Transfer transfer = transfers.get(completed.agreementId().value() + "/" + completed.transferId().value());
            if (transfer != null) {
                transfer.status = "COMPLETED";
                transfer.completedOn = completed.completedOn().toString();
            }
        } else if (event instanceof TransferCancelled cancelled) {
            Transfer transfer = transfers.get(cancelled.agreementId().value() + "/" + cancelled.transferId().value());
            if (transfer != null) {
                transfer.status = "CANCELLED";
                transfer.cancelledOn = cancelled.cancelledOn().toString();
            }
        } else if (event instanceof TransferCorrected corrected) {
            Transfer transfer = transfers.get(corrected.agreementId().value() + "/" + corrected.transferId().value());
            if (transfer != null) {
                transfer.persons = corrected.persons();
                transfer.headcounts = LedgerJson.mapper().valueToTree(corrected.headcounts());
                // the correction stays visible next to what it corrected, linked by sequence
                ObjectNode correction = transfer.corrections.addObject();
                correction.put("sequence", envelope.sequence());
                correction.put("correctsSequence", corrected.correctsSequence());
                correction.put("correctedOn", corrected.correctedOn().toString());
                correction.put("reason", corrected.reason() == null ? "" : corrected.reason());
                correction.set("headcounts", LedgerJson.mapper().valueToTree(corrected.headcounts()));
            }
        }
    }

    private void applyToFees(AgreementEvent event) {
        if (event instanceof FeeAssessed assessed) {
            Fee fee = fee(assessed.agreementId().value(), assessed.payer(), assessed.payee(), assessed.amount());
            fee.assessed = fee.assessed.add(assessed.amount().amount());
        } else if (event instanceof FeePaymentRecorded paid) {
            Fee fee = fee(paid.agreementId().value(), paid.payer(), paid.payee(), paid.amount());
            fee.paid = fee.paid.add(paid.amount().amount());
        }
    }

    private Fee fee(String agreementId, CountryCode payer, CountryCode payee, Money amount) {
        String key = agreementId + "/" + payer.value() + "/" + payee.value() + "/" + amount.currency().value();
        return fees.computeIfAbsent(key, k -> {
            Fee fee = new Fee();
            fee.agreementId = agreementId;
            fee.payer = payer.value();
            fee.payee = payee.value();
            fee.currency = amount.currency().value();
            return fee;
        });
    }

    long applied() {
        return applied;
    }

    /** The records that could not be applied, in the order they were read. */
    List<Unapplied> unapplied() {
        return List.copyOf(unapplied);
    }

    /** How many later events of the agreement wait behind its unapplied record. */
    long heldBehind(String agreementId) {
        return heldBehind.getOrDefault(agreementId, 0L);
    }

    AuditViews views() {
        return new AuditViews(
                agreements.values().stream().map(a -> new AgreementRow(a.agreementId, a.offeringParty, a.parties,
                        a.title, a.offeredOn, a.status, a.terms, List.copyOf(a.acceptedBy), a.inForceOn, a.endedOn,
                        a.sourceReference, a.version, a.lastEventAt)).toList(),
                transfers.values().stream().map(t -> new TransferRow(t.agreementId, t.transferId, t.fromCountry,
                        t.toCountry, t.transferDate, t.status, t.persons, t.headcounts, t.reference, t.recordedSequence,
                        t.originalPersons, t.originalHeadcounts, t.corrections, t.completedOn, t.cancelledOn)).toList(),
                fees.values().stream().map(f -> new FeeRow(f.agreementId, f.payer, f.payee, f.currency,
                        AuditViews.amount(f.assessed), AuditViews.amount(f.paid),
                        AuditViews.amount(f.assessed.subtract(f.paid)))).toList(),
                history, countryCommitments());
    }

    /**
     * Each party's use of its accept commitments, from the agreements and transfers above, counted with
     * {@link CommitmentUse} as the ledger counts capacity: what the projection's country view must show.
     */
    private List<CommitmentRow> countryCommitments() {
        // each agreement's transfers gathered in one pass, not one pass over every transfer per agreement
        Map<String, List<Coverage.Movement>> movementsOf = new HashMap<>();
        for (Transfer t : transfers.values()) {
            Agreement agreement = agreements.get(t.agreementId);
            if (agreement != null && CommitmentUse.STATUSES_SHOWN.contains(agreement.status)
                    && !"CANCELLED".equals(t.status)) {
                movementsOf.computeIfAbsent(t.agreementId, id -> new ArrayList<>()).add(new Coverage.Movement(
                        CountryCode.of(t.fromCountry), CountryCode.of(t.toCountry), LocalDate.parse(t.transferDate),
                        LedgerJson.mapper().convertValue(t.headcounts, HEADCOUNTS)));
            }
        }
        List<CommitmentRow> rows = new ArrayList<>();
        for (Agreement agreement : agreements.values()) {
            if (!CommitmentUse.STATUSES_SHOWN.contains(agreement.status)) {
                continue;
            }
            AgreementTerms terms = LedgerJson.mapper().convertValue(agreement.terms, AgreementTerms.class);
            List<Coverage.Movement> movements = movementsOf.getOrDefault(agreement.agreementId, List.of());
            for (String party : agreement.parties) {
                for (CommitmentUse use : CommitmentUse.of(terms, CountryCode.of(party), movements)) {
                    Capacity capacity = use.terms().capacity();
                    rows.add(new CommitmentRow(party, agreement.agreementId, use.commitment(),
                            capacity == null ? null : capacity.persons(), capacity == null ? null : capacity.period().name(),
                            use.personsReceived(), use.usedPerPeriod()));
                }
            }
        }
        return rows;
    }
}
