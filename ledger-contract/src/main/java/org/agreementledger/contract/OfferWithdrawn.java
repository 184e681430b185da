package org.agreementledger.contract;

import java.time.LocalDate;

/** The offering party withdrew its offer before it came into force. */
public record OfferWithdrawn(
        AgreementId agreementId,
        CountryCode withdrawingParty,
        LocalDate withdrawnOn,
        String reason) implements AgreementEvent {
}
