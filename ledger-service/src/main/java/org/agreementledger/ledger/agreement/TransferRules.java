package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferId;
import org.agreementledger.ledger.command.LedgerRuleViolation;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a new or corrected transfer must meet, rule by rule as numbered in docs/architecture.md ("Transfer rules");
 * rules 0 to 7 (who acts, the version, the parties, the agreement's state and validity) are the aggregate's own
 * guards. A correction is checked from rule 9, as if its transfer were recorded anew.
 */
final class TransferRules {

    private TransferRules() {
    }

    static void checkNewTransfer(TransferBook book, TransferId transferId, CountryCode from, CountryCode to,
                                 LocalDate date, List<Headcount> headcounts, List<AcceptPeople> receiverCommitments) {
        rule8TheTransferIdIsNew(book, transferId);
        checkHeadcounts(book, from, to, date, headcounts, receiverCommitments, null);
    }

    /** @param recorded the counts the correction would replace, read only when the other rules leave it to them */
    static void checkCorrection(TransferBook book, TransferBook.Transfer transfer, List<Headcount> headcounts,
                                List<AcceptPeople> receiverCommitments, Supplier<List<Headcount>> recorded) {
        if (transfer.status() == TransferBook.Status.CANCELLED) {
            throw LedgerRuleViolation.conflict("illegal-transition",
                    "Transfer " + transfer.transferId() + " was cancelled; there is nothing to correct.");
        }
        aCorrectionChangesTheCounts(transfer, headcounts, recorded);
        checkHeadcounts(book, transfer.fromCountry(), transfer.toCountry(), transfer.transferDate(), headcounts,
                receiverCommitments, transfer);
    }

    private static void checkHeadcounts(TransferBook book, CountryCode from, CountryCode to, LocalDate date,
                                        List<Headcount> headcounts, List<AcceptPeople> commitments,
                                        TransferBook.Transfer replacing) {
        rule9SomeoneIsMoved(headcounts);
        rule10EachCombinationOnce(headcounts);
        rule11TheSenderDoesNotRemoveItsOwnCitizens(from, headcounts);
        long[] added = rule12TheReceiverCommittedToTakeEveryone(from, to, headcounts, commitments);
        rule13WithinEveryCapacity(book, to, date, commitments, added, replacing);
    }

    /**
     * A correction changes what is recorded: the same lines again, in any order (a retry without an Idempotency-Key, a
     * slip), would put a correction that corrects nothing on the record for good. Compared only when the persons agree.
     */
    private static void aCorrectionChangesTheCounts(TransferBook.Transfer transfer, List<Headcount> headcounts,
                                                    Supplier<List<Headcount>> recorded) {
        if (headcounts.stream().mapToLong(Headcount::count).sum() == transfer.persons()
                && Set.copyOf(headcounts).equals(Set.copyOf(recorded.get()))) {
            throw LedgerRuleViolation.conflict("nothing-to-correct", "Transfer " + transfer.transferId()
                    + " already has exactly these counts (event " + transfer.countsSequence() + "); nothing is recorded.");
        }
    }

    /** Rule 8. */
    static void rule8TheTransferIdIsNew(TransferBook book, TransferId transferId) {
        if (book.contains(transferId)) {
            throw LedgerRuleViolation.conflict("duplicate-transfer", "Transfer " + transferId + " is recorded already.");
        }
    }

    /** Rule 9. */
    static void rule9SomeoneIsMoved(List<Headcount> headcounts) {
        if (headcounts.isEmpty()) {
            throw LedgerRuleViolation.rule("empty-transfer", "headcounts", "A transfer moves at least one person.");
        }
    }

    /** Rule 10. */
    static void rule10EachCombinationOnce(List<Headcount> headcounts) {
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
    }

    /** Rule 11: the sender's law, before any commitment, so that no commitment can allow it. */
    static void rule11TheSenderDoesNotRemoveItsOwnCitizens(CountryCode from, List<Headcount> headcounts) {
        for (int i = 0; i < headcounts.size(); i++) {
            if (headcounts.get(i).nationality().equals(from)) {
                throw LedgerRuleViolation.rule("own-citizen-removal", "headcounts[" + i + "].nationality",
                        from + " may not remove its own citizens: " + headcounts.get(i).count() + " " + from
                                + " nationals cannot be transferred out of " + from + ", whatever the agreement offers.");
            }
        }
    }

    /** Rule 12: every headcount is taken by a commitment of the receiver; answers the people each one takes. */
    static long[] rule12TheReceiverCommittedToTakeEveryone(CountryCode from, CountryCode to, List<Headcount> headcounts,
                                                           List<AcceptPeople> commitments) {
        long[] added = new long[commitments.size()];
        for (int i = 0; i < headcounts.size(); i++) {
            Headcount headcount = headcounts.get(i);
            int covering = Coverage.coveringCommitment(commitments, headcount, from);
            if (covering < 0) {
                throw notCovered(commitments, headcount, from, to, i);
            }
            added[covering] += headcount.count();
        }
        return added;
    }

    /**
     * Rule 13: no commitment takes more people in the transfer's period than its capacity; a correction counts in
     * place of the counts it replaces (same receiver, same date, so the same period).
     */
    static void rule13WithinEveryCapacity(TransferBook book, CountryCode to, LocalDate date, List<AcceptPeople> commitments,
                                          long[] added, TransferBook.Transfer replacing) {
        for (int c = 0; c < commitments.size(); c++) {
            Capacity capacity = commitments.get(c).capacity();
            if (capacity == null || added[c] == 0) {
                continue;
            }
            String period = capacity.periodOf(date);
            long used = book.capacityUsed(to, c, period) - (replacing == null ? 0 : replacing.takenByCommitment().get(c));
            if (used + added[c] > capacity.persons()) {
                throw LedgerRuleViolation.rule("capacity-exceeded", "headcounts",
                        to + " committed to take at most " + capacity.persons() + " people per "
                                + capacity.period().name().toLowerCase() + " (" + period + "); " + used
                                + " are already recorded, so " + added[c] + " more would exceed it.");
            }
        }
    }

    /** Why rule 12 refuses, in the order docs/architecture.md gives. */
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
}
