package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One party offered an agreement to the others, recorded exactly as made, including clauses that can
 * never be executed. {@code parties} lists every party, the offering one first.
 *
 * @param sourceReference where the offer is documented (a treaty text, a press release); may be null
 */
public record AgreementOffered(
        AgreementId agreementId,
        CountryCode offeringParty,
        List<CountryCode> parties,
        LocalDate offeredOn,
        AgreementTerms terms,
        String sourceReference) implements AgreementEvent {

    public AgreementOffered {
        Objects.requireNonNull(agreementId, "agreementId");
        Objects.requireNonNull(offeringParty, "offeringParty");
        Objects.requireNonNull(offeredOn, "offeredOn");
        Objects.requireNonNull(terms, "terms");
        parties = List.copyOf(parties);
    }
}
