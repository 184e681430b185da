package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One party offered an agreement to the others. {@code parties} lists every party, the offering
 * one first; the offer is recorded exactly as made.
 */
public record AgreementOffered(
        AgreementId agreementId,
        CountryCode offeringParty,
        List<CountryCode> parties,
        String title,
        LocalDate offeredOn) implements AgreementEvent {

    public AgreementOffered {
        Objects.requireNonNull(agreementId, "agreementId");
        Objects.requireNonNull(offeringParty, "offeringParty");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(offeredOn, "offeredOn");
        parties = List.copyOf(parties);
    }
}
