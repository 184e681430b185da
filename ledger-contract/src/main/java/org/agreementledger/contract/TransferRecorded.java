package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.List;

/**
 * A movement of people under an agreement (e.g. one flight) from one party to another: aggregate counts
 * by nationality, category and sex, never names.
 */
public record TransferRecorded(
        AgreementId agreementId,
        TransferId transferId,
        CountryCode fromCountry,
        CountryCode toCountry,
        LocalDate transferDate,
        List<Headcount> headcounts,
        String reference) implements AgreementEvent {

    public TransferRecorded {
        headcounts = List.copyOf(ContractLimits.requireSize(headcounts, ContractLimits.MAX_HEADCOUNT_LINES, "headcounts"));
    }

    public int persons() {
        return headcounts.stream().mapToInt(Headcount::count).sum();
    }
}
