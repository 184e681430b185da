package org.agreementledger.contract;

import java.time.LocalDate;

/** A party accepted the current terms. */
public record AgreementAccepted(
        AgreementId agreementId,
        CountryCode acceptingParty,
        LocalDate acceptedOn) implements AgreementEvent {
}
