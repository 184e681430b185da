package org.agreementledger.ledger.transfer;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.ledger.agreement.LedgerRuleViolation;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The transfers of one agreement and the rules a new or corrected transfer must meet: the sending country's
 * law (no removal of its own citizens), the receiving party's accept commitments, and their capacity.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class TransferBook {

    public enum Status { RECORDED, COMPLETED, CANCELLED }

    /** @param countsSequence the sequence number of the event that set the current counts */
    public record Transfer(TransferId transferId, CountryCode fromCountry, CountryCode toCountry, LocalDate transferDate,
                           List<Headcount> headcounts, Status status, long countsSequence) {

        public int persons() {
            return headcounts.stream().mapToInt(Headcount::count).sum();
        }

        Transfer with(Status newStatus) {
            return new Transfer(transferId, fromCountry, toCountry, transferDate, headcounts, newStatus, countsSequence);
        }
    }

    private final Map<String, Transfer> transfers = new LinkedHashMap<>();

    public Optional<Transfer> find(TransferId transferId) {
        return Optional.ofNullable(transfers.get(transferId.value()));
    }

    /** Refuses a transfer that the receiving party has not committed to take or that the sender's law forbids. */
    public void checkNewTransfer(TransferId transferId, CountryCode from, CountryCode to, LocalDate date,
                                 List<Headcount> headcounts, List<AcceptPeople> receiverCommitments) {
        if (transfers.containsKey(transferId.value())) {
            throw LedgerRuleViolation.conflict("duplicate-transfer", "Transfer " + transferId + " is recorded already.");
        }
        checkHeadcounts(from, to, date, headcounts, receiverCommitments, null);
    }

    public void checkCorrection(Transfer transfer, List<Headcount> headcounts, List<AcceptPeople> receiverCommitments) {
        if (transfer.status() == Status.CANCELLED) {
            throw LedgerRuleViolation.conflict("illegal-transition",
                    "Transfer " + transfer.transferId() + " was cancelled; there is nothing to correct.");
        }
        checkHeadcounts(transfer.fromCountry(), transfer.toCountry(), transfer.transferDate(), headcounts,
                receiverCommitments, transfer.transferId());
    }

    private void checkHeadcounts(CountryCode from, CountryCode to, LocalDate date, List<Headcount> headcounts,
                                 List<AcceptPeople> commitments, TransferId replacing) {
        if (headcounts.isEmpty()) {
            throw LedgerRuleViolation.rule("empty-transfer", "headcounts", "A transfer moves at least one person.");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < headcounts.size(); i++) {
            Headcount headcount = headcounts.get(i);
            String combination = headcount.nationality() + "/" + headcount.category() + "/" + headcount.sex() + "/"
                    + headcount.ageGroup();
            if (!seen.add(combination)) {
                throw LedgerRuleViolation.rule("duplicate-headcount", "headcounts[" + i + "]",
                        "Nationality, category, sex and age group " + combination
                                + " appear twice; give one count per combination.");
            }
        }
        for (int i = 0; i < headcounts.size(); i++) {
            if (headcounts.get(i).nationality().equals(from)) {
                throw LedgerRuleViolation.rule("own-citizen-removal", "headcounts[" + i + "].nationality",
                        from + " may not remove its own citizens: " + headcounts.get(i).count() + " " + from
                                + " nationals cannot be transferred out of " + from + ", whatever the agreement offers.");
            }
        }
        int[] added = new int[commitments.size()];
        for (int i = 0; i < headcounts.size(); i++) {
            Headcount headcount = headcounts.get(i);
            int covering = coveringCommitment(commitments, headcount, from);
            if (covering < 0) {
                throw notCovered(commitments, headcount, from, to, i);
            }
            added[covering] += headcount.count();
        }
        for (int c = 0; c < commitments.size(); c++) {
            Capacity capacity = commitments.get(c).capacity();
            if (capacity == null || added[c] == 0) {
                continue;
            }
            String period = capacity.periodOf(date);
            int used = personsUnder(commitments, c, to, capacity, period, replacing);
            if (used + added[c] > capacity.persons()) {
                throw LedgerRuleViolation.rule("capacity-exceeded", "headcounts",
                        to + " committed to take at most " + capacity.persons() + " people per "
                                + capacity.period().name().toLowerCase() + " (" + period + "); " + used
                                + " are already recorded, so " + added[c] + " more would exceed it.");
            }
        }
    }

    private static int coveringCommitment(List<AcceptPeople> commitments, Headcount headcount, CountryCode from) {
        for (int c = 0; c < commitments.size(); c++) {
            if (commitments.get(c).covers(headcount, from)) {
                return c;
            }
        }
        return -1;
    }

    private static LedgerRuleViolation notCovered(List<AcceptPeople> commitments, Headcount headcount,
                                                  CountryCode from, CountryCode to, int index) {
        String field = "headcounts[" + index + "]";
        if (commitments.isEmpty()) {
            return LedgerRuleViolation.rule("nationality-not-accepted", field + ".nationality",
                    to + " has made no commitment to accept people under this agreement.");
        }
        if (commitments.stream().noneMatch(c -> c.acceptsFrom(from))) {
            return LedgerRuleViolation.rule("sender-not-accepted", "fromCountry",
                    to + " has not committed to accept people sent by " + from + ".");
        }
        boolean nationalityCovered = commitments.stream()
                .anyMatch(c -> c.acceptsFrom(from) && c.nationalities().covers(headcount.nationality(), to));
        if (!nationalityCovered) {
            return LedgerRuleViolation.rule("nationality-not-accepted", field + ".nationality",
                    to + " has not committed to accept " + headcount.nationality() + " nationals from " + from + ".");
        }
        return LedgerRuleViolation.rule("category-not-accepted", field + ".category",
                to + " has not committed to accept " + headcount.category() + " " + headcount.nationality()
                        + " nationals from " + from + ".");
    }

    private int personsUnder(List<AcceptPeople> commitments, int commitment, CountryCode to, Capacity capacity,
                             String period, TransferId excluding) {
        int used = 0;
        for (Transfer transfer : transfers.values()) {
            if (transfer.status() == Status.CANCELLED || !transfer.toCountry().equals(to)
                    || transfer.transferId().equals(excluding)
                    || !capacity.periodOf(transfer.transferDate()).equals(period)) {
                continue;
            }
            for (Headcount headcount : transfer.headcounts()) {
                if (coveringCommitment(commitments, headcount, transfer.fromCountry()) == commitment) {
                    used += headcount.count();
                }
            }
        }
        return used;
    }

    public void recorded(TransferRecorded event, long sequence) {
        transfers.put(event.transferId().value(), new Transfer(event.transferId(), event.fromCountry(),
                event.toCountry(), event.transferDate(), event.headcounts(), Status.RECORDED, sequence));
    }

    public void completed(TransferId transferId) {
        transfers.computeIfPresent(transferId.value(), (id, transfer) -> transfer.with(Status.COMPLETED));
    }

    public void cancelled(TransferId transferId) {
        transfers.computeIfPresent(transferId.value(), (id, transfer) -> transfer.with(Status.CANCELLED));
    }

    public void corrected(TransferCorrected event, long sequence) {
        transfers.computeIfPresent(event.transferId().value(), (id, t) -> new Transfer(t.transferId(), t.fromCountry(),
                t.toCountry(), t.transferDate(), event.headcounts(), t.status(), sequence));
    }
}
