package org.agreementledger.contract;

import java.util.Objects;

/** A party amended the offer before acceptance (a counter-offer); the earlier terms stay in history. */
public record OfferAmended(
        AgreementId agreementId,
        CountryCode amendingParty,
        String title) implements AgreementEvent {

    public OfferAmended {
        Objects.requireNonNull(agreementId, "agreementId");
        Objects.requireNonNull(amendingParty, "amendingParty");
        Objects.requireNonNull(title, "title");
    }
}
