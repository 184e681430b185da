package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.LocalDate;
import java.util.List;

/** Offer an agreement to one or more other countries. */
public record OfferAgreement(
        @TargetAggregateIdentifier AgreementId agreementId,
        CountryCode offeringParty,
        List<CountryCode> otherParties,
        String title,
        LocalDate offeredOn) {

    public OfferAgreement {
        otherParties = List.copyOf(otherParties);
    }
}
