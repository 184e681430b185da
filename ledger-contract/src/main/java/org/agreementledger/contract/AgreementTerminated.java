package org.agreementledger.contract;

import java.time.LocalDate;

/** A party ended the agreement; nothing more can happen under it but fee payments. */
public record AgreementTerminated(
        AgreementId agreementId,
        CountryCode terminatingParty,
        LocalDate terminatedOn,
        String reason) implements AgreementEvent {
}
