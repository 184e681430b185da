package org.agreementledger.contract;

import java.time.LocalDate;

/** A party suspended an agreement in force: no transfer is accepted until it is resumed. */
public record AgreementSuspended(
        AgreementId agreementId,
        CountryCode suspendingParty,
        LocalDate suspendedOn,
        String reason) implements AgreementEvent {
}
