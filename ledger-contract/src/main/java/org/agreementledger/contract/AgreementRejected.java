package org.agreementledger.contract;

import java.time.LocalDate;

/** A party rejected the offer; the agreement never comes into force. */
public record AgreementRejected(
        AgreementId agreementId,
        CountryCode rejectingParty,
        LocalDate rejectedOn,
        String reason) implements AgreementEvent {
}
