package org.agreementledger.contract;

import java.time.LocalDate;

/** A suspended agreement is in force again. */
public record AgreementResumed(
        AgreementId agreementId,
        CountryCode resumingParty,
        LocalDate resumedOn) implements AgreementEvent {
}
