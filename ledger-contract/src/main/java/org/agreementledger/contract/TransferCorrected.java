package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * A mistake in a recorded transfer's counts, fixed by a new event: {@code correctsSequence} is the sequence
 * number, in this agreement's history, of the event whose counts it replaces. The original stays.
 */
public record TransferCorrected(
        AgreementId agreementId,
        TransferId transferId,
        long correctsSequence,
        LocalDate correctedOn,
        List<Headcount> headcounts,
        String reason) implements AgreementEvent {

    public TransferCorrected {
        headcounts = List.copyOf(ContractLimits.requireSize(headcounts, ContractLimits.MAX_HEADCOUNT_LINES, "headcounts"));
    }

    public int persons() {
        return headcounts.stream().mapToInt(Headcount::count).sum();
    }
}
