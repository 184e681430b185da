package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.OfferAmended;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

class AgreementTest {

    private static final AgreementId ID = AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01");
    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode GT = CountryCode.of("GT");
    private static final LocalDate FEB_3 = LocalDate.of(2025, 2, 3);

    private FixtureConfiguration<Agreement> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(Agreement.class);
    }

    @Test
    void elSalvadorsOfferIsRecordedExactlyAsMade() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), "CECOT for deportees of any nationality", FEB_3))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new AgreementOffered(ID, SV, List.of(SV, US), "CECOT for deportees of any nationality", FEB_3));
    }

    @Test
    void anOfferNeedsAtLeastOneOtherParty() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(), "alone", FEB_3))
                .expectNoEvents()
                .expectException(LedgerRuleViolation.class)
                .expectExceptionMessage("An agreement needs at least one party besides the offering party.");
    }

    @Test
    void aCountryCannotBeNamedTwiceAmongTheParties() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US, SV), "twice", FEB_3))
                .expectNoEvents()
                .expectExceptionMessage("SV is named more than once (the offering party is a party already).");
    }

    @Test
    void anOfferNeedsATitle() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), "  ", FEB_3))
                .expectNoEvents()
                .expectException(LedgerRuleViolation.class);
    }

    @Test
    void aPartyMayCounterOfferBeforeAcceptance() {
        fixture.given(new AgreementOffered(ID, SV, List.of(SV, US), "first terms", FEB_3))
                .when(new AmendOffer(ID, US, "counter-offer: no US citizens"))
                .expectEvents(new OfferAmended(ID, US, "counter-offer: no US citizens"));
    }

    @Test
    void aCountryThatIsNotAPartyCannotAmendTheOffer() {
        fixture.given(new AgreementOffered(ID, SV, List.of(SV, US), "first terms", FEB_3))
                .when(new AmendOffer(ID, GT, "not mine to amend"))
                .expectNoEvents()
                .expectException(LedgerRuleViolation.class)
                .expectExceptionMessage("GT is not a party to agreement " + ID + ".");
    }
}
