package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A counter-offer by a party before the agreement is in force; the earlier terms stay in history. */
public record AmendOffer(
        @TargetAggregateIdentifier AgreementId agreementId,
        CountryCode amendingParty,
        String title) {
}
