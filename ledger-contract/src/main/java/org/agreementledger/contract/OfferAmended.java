package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A party replaced the terms before the agreement came into force (a counter-offer). The earlier terms
 * stay in history; every party but the amending one must accept the new terms.
 */
public record OfferAmended(
        AgreementId agreementId,
        CountryCode amendingParty,
        LocalDate amendedOn,
        AgreementTerms terms) implements AgreementEvent {

    public OfferAmended {
        Objects.requireNonNull(agreementId, "agreementId");
        Objects.requireNonNull(amendingParty, "amendingParty");
        Objects.requireNonNull(amendedOn, "amendedOn");
        Objects.requireNonNull(terms, "terms");
    }
}
