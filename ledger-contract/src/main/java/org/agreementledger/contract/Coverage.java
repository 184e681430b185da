package org.agreementledger.contract;

import org.agreementledger.contract.Commitment.AcceptPeople;

import java.time.LocalDate;
import java.util.List;

/**
 * Which of a receiving party's accept commitments takes each person, and so how many of a transfer's people count
 * against each one's capacity: one computation for the ledger's decision (rules 12 and 13 in docs/architecture.md),
 * the projection's country view and the auditor's replay ({@link org.agreementledger.contract.views.CommitmentUse}),
 * so that they cannot disagree.
 */
public final class Coverage {

    private Coverage() {
    }

    /** A transfer as capacity counts it: one that is not cancelled, with its current (corrected) counts. */
    public record Movement(CountryCode from, CountryCode to, LocalDate date, List<Headcount> headcounts) {
    }

    /**
     * The index of the first of the receiver's accept commitments (in the order the terms list them) that takes this
     * headcount from this sender; -1 when none does. Only that one commitment counts the people against its capacity.
     */
    public static int coveringCommitment(List<AcceptPeople> commitments, Headcount headcount, CountryCode sender) {
        for (int c = 0; c < commitments.size(); c++) {
            if (commitments.get(c).covers(headcount, sender)) {
                return c;
            }
        }
        return -1;
    }

    /**
     * The people of one movement that each of the receiver's accept commitments takes, by the commitment's index;
     * headcounts no commitment takes count for none.
     */
    public static long[] personsPerCommitment(List<AcceptPeople> commitments, CountryCode sender,
                                              List<Headcount> headcounts) {
        long[] taken = new long[commitments.size()];
        for (Headcount headcount : headcounts) {
            int covering = coveringCommitment(commitments, headcount, sender);
            if (covering >= 0) {
                taken[covering] += headcount.count();
            }
        }
        return taken;
    }
}
