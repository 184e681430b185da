package org.agreementledger.contract.views;

import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How much of one of a receiving party's accept commitments the transfers under an agreement have used, counted with
 * {@link Coverage} as the ledger counts it (each person against the first commitment that takes them): the
 * projection's country view and the auditor's replay state it this way, so they agree with the ledger's decision.
 *
 * @param commitment      the commitment's position in the agreement's terms
 * @param personsReceived every person it took, in any period
 * @param usedPerPeriod   with a capacity, the persons it took in each period that saw a transfer to the receiver
 *                        (0 where all were another commitment's); empty without a capacity
 */
public record CommitmentUse(int commitment, AcceptPeople terms, long personsReceived,
                            SortedMap<String, Long> usedPerPeriod) {

    /** The agreements whose commitments a country view shows: those that are or may come into force. */
    public static final List<String> STATUSES_SHOWN = List.of("OFFERED", "IN_FORCE", "SUSPENDED");

    public CommitmentUse {
        usedPerPeriod = Collections.unmodifiableSortedMap(new TreeMap<>(usedPerPeriod));
    }

    /**
     * The use of each of the receiver's accept commitments, in the order of the terms.
     *
     * @param movements the agreement's transfers that are not cancelled, with their current (corrected) counts
     */
    public static List<CommitmentUse> of(AgreementTerms terms, CountryCode receiver,
                                         Collection<Coverage.Movement> movements) {
        List<AcceptPeople> accepts = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < terms.commitments().size(); i++) {
            Commitment commitment = terms.commitments().get(i);
            if (commitment instanceof AcceptPeople accept && accept.party().equals(receiver)) {
                accepts.add(accept);
                positions.add(i);
            }
        }
        // one pass over the movements: a hostile history of 100,000 transfers in as many months must not cost
        // months × transfers (docs/benchmarks.md, run Z5)
        long[] received = new long[accepts.size()];
        List<SortedMap<String, Long>> used = new ArrayList<>();
        accepts.forEach(accept -> used.add(new TreeMap<>()));
        for (Coverage.Movement movement : movements) {
            if (!movement.to().equals(receiver)) {
                continue;
            }
            long[] taken = Coverage.personsPerCommitment(accepts, movement.from(), movement.headcounts());
            for (int c = 0; c < accepts.size(); c++) {
                received[c] += taken[c];
                Capacity capacity = accepts.get(c).capacity();
                if (capacity != null) {
                    used.get(c).merge(capacity.periodOf(movement.date()), taken[c], Long::sum);
                }
            }
        }
        List<CommitmentUse> uses = new ArrayList<>();
        for (int c = 0; c < accepts.size(); c++) {
            uses.add(new CommitmentUse(positions.get(c), accepts.get(c), received[c], used.get(c)));
        }
        return uses;
    }
}
