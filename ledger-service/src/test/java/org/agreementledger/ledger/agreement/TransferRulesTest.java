package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.ledger.command.LedgerRuleViolation.Kind;
import org.agreementledger.ledger.transfer.TransferCommands.CancelTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CompleteTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CorrectTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.RecordTransfer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.agreementledger.ledger.agreement.Refusals.refusal;
import static org.agreementledger.ledger.agreement.Treaties.*;

class TransferRulesTest {

    private static final TransferId FLIGHT = TransferId.of("1b9f6a3e-0c1d-4c8e-9a51-2f0d5a4e7b10");
    private static final TransferId SECOND_FLIGHT = TransferId.of("2c0a7b4f-1d2e-4d9f-8b62-3a1e6b5f8c21");
    private static final LocalDate MAR_16 = LocalDate.of(2025, 3, 16);

    private FixtureConfiguration<Agreement> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(Agreement.class);
        fixture.registerInjectableResource(MARCH_2025);
        fixture.registerInjectableResource(new EventStoreHeadcounts(fixture.getEventStore()));
    }

    private static Headcount count(CountryCode nationality, PersonCategory category, Sex sex, int n) {
        return new Headcount(nationality, category, sex, AgeGroup.ADULT, n);
    }

    private static RecordTransfer usToElSalvador(TransferId id, Headcount... headcounts) {
        return new RecordTransfer(ID, id, US, SV, MAR_16, List.of(headcounts), "flight", null);
    }

    private static TransferRecorded recordedUsToElSalvador(TransferId id, Headcount... headcounts) {
        return new TransferRecorded(ID, id, US, SV, MAR_16, List.of(headcounts), "flight");
    }

    private static Object[] guatemalaInForce(Capacity capacity) {
        return new Object[]{offered(GT, List.of(GT, US), guatemalaSafeThirdCountry(capacity)),
                new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5)};
    }

    @Test
    void usCitizensCannotBeTransferredOutOfTheUsEvenUnderElSalvadorsOfferThatNamesThem() {
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, count(US, PersonCategory.CONVICTED_CRIMINAL, Sex.MALE, 3)))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "own-citizen-removal"));
    }

    @Test
    void convictedVenezuelanGangMembersCanBeTransferredToCecot() {
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 238),
                        count(SV, PersonCategory.GANG_MEMBER, Sex.MALE, 23)))
                .expectEvents(recordedUsToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 238),
                        count(SV, PersonCategory.GANG_MEMBER, Sex.MALE, 23)));
    }

    @Test
    void elSalvadorTakesOnlyConvictedCriminalsAndGangMembers() {
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, 5)))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "category-not-accepted"));
    }

    @Test
    void aCountryThatTakesOnlyItsOwnNationalsRefusesOthers() {
        var terms = new org.agreementledger.contract.AgreementTerms("Repatriation of Colombians",
                List.of(new org.agreementledger.contract.Commitment.AcceptPeople(CO,
                        org.agreementledger.contract.NationalityScope.own(), java.util.Set.of(PersonCategory.IRREGULAR_MIGRANT),
                        List.of(), null, null, false)),
                List.of(), new org.agreementledger.contract.Validity(FEB_3, null));
        fixture.given(offered(PA, List.of(PA, CO, US), terms), new AgreementAccepted(ID, CO, FEB_5),
                        new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5))
                .when(new RecordTransfer(ID, FLIGHT, PA, CO, MAR_16,
                        List.of(count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 4)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "nationality-not-accepted"));
    }

    @Test
    void aCountryThatCommittedToTakeNobodyTakesNobody() {
        fixture.given(elSalvadorInForce())
                .when(new RecordTransfer(ID, FLIGHT, SV, US, MAR_16,
                        List.of(count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 4)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "nationality-not-accepted"));
    }

    @Test
    void aCountryAcceptsOnlyFromTheSendersItNamed() {
        var terms = new org.agreementledger.contract.AgreementTerms("Colombia takes back its nationals flown by the US",
                List.of(new org.agreementledger.contract.Commitment.AcceptPeople(CO,
                        org.agreementledger.contract.NationalityScope.any(), java.util.Set.of(PersonCategory.IRREGULAR_MIGRANT),
                        List.of(US), null, null, false)),
                List.of(), new org.agreementledger.contract.Validity(FEB_3, null));
        fixture.given(offered(PA, List.of(PA, CO, US), terms), new AgreementAccepted(ID, CO, FEB_5),
                        new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5))
                .when(new RecordTransfer(ID, FLIGHT, PA, CO, MAR_16,
                        List.of(count(CO, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 43)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "sender-not-accepted"));
    }

    @Test
    void eachPersonCountsAgainstTheFirstCommitmentThatTakesThemSoOverlappingCapacitiesAreKeptApart() {
        Capacity hundredAMonth = new Capacity(100, Capacity.Period.MONTH);
        Capacity fiftyAMonth = new Capacity(50, Capacity.Period.MONTH);
        var terms = new org.agreementledger.contract.AgreementTerms("Guatemala: migrants, and convicted Venezuelans apart",
                List.of(new org.agreementledger.contract.Commitment.AcceptPeople(GT,
                                org.agreementledger.contract.NationalityScope.any(), java.util.Set.of(PersonCategory.IRREGULAR_MIGRANT),
                                List.of(), null, hundredAMonth, false),
                        new org.agreementledger.contract.Commitment.AcceptPeople(GT,
                                org.agreementledger.contract.NationalityScope.listed(List.of(VE)),
                                java.util.Set.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.CONVICTED_CRIMINAL),
                                List.of(), "CECOT-like facility", fiftyAMonth, false)),
                List.of(), new org.agreementledger.contract.Validity(FEB_3, null));
        Headcount eightyMigrants = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 80);
        Headcount fortyConvicted = count(VE, PersonCategory.CONVICTED_CRIMINAL, Sex.MALE, 40);
        // the 80 migrants are the first commitment's; the second still has room for 40 of its own
        fixture.given(offered(GT, List.of(GT, US), terms), new AgreementAccepted(ID, US, FEB_5),
                        new AgreementEnteredIntoForce(ID, FEB_5),
                        new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(eightyMigrants), null))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(fortyConvicted), null, null))
                .expectEvents(new TransferRecorded(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(fortyConvicted), null));
    }

    @Test
    void capacityForTheMonthCannotBeExceeded() {
        Capacity hundredAMonth = new Capacity(100, Capacity.Period.MONTH);
        Headcount sixty = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 60);
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(sixty), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "capacity-exceeded"));
    }

    @Test
    void aCancelledTransferFreesItsCapacityAndAnotherMonthHasItsOwn() {
        Capacity hundredAMonth = new Capacity(100, Capacity.Period.MONTH);
        Headcount sixty = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 60);
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null),
                        new TransferCancelled(ID, FLIGHT, MAR_15, "aircraft"))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(sixty), null, null))
                .expectEvents(new TransferRecorded(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(sixty), null));
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, LocalDate.of(2025, 2, 20), List.of(sixty), null))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(sixty), null, null))
                .expectEvents(new TransferRecorded(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(sixty), null));
    }

    @Test
    void aCorrectionCountsAgainstCapacityInPlaceOfTheCountsItReplaces() {
        Capacity hundredAMonth = new Capacity(100, Capacity.Period.MONTH);
        Headcount sixty = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 60);
        Headcount hundred = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 100);
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(hundred), "manifest recount", null))
                .expectEvents(new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(hundred), "manifest recount"));
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(hundred,
                        count(CO, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, 1)), "manifest recount", null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "capacity-exceeded"));
    }

    @Test
    void aCorrectionThatRepeatsTheCountsInAnyOrderIsRefusedSoNothingThatCorrectsNothingIsRecorded() {
        Headcount men = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 60);
        Headcount women = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, 20);
        Headcount fewerMen = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 50);
        fixture.given(guatemalaInForce(null))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(men, women), null))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(women, men), "retry", null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "nothing-to-correct"));
        fixture.given(guatemalaInForce(null))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(men, women), null),
                        new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(fewerMen, women), "recount"))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(fewerMen, women), "recount again", null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "nothing-to-correct"));
        fixture.given(guatemalaInForce(null))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(men, women), null),
                        new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(fewerMen, women), "recount"))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(men, women), "the first count was right", null))
                .expectEvents(new TransferCorrected(ID, FLIGHT, 4, MAR_16, List.of(men, women),
                        "the first count was right"));
        fixture.given(guatemalaInForce(null))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(men, women), null))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(count(VE, PersonCategory.IRREGULAR_MIGRANT,
                        Sex.MALE, 20), count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, 60)), "swapped", null))
                .expectEvents(new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(count(VE,
                        PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 20), count(VE, PersonCategory.IRREGULAR_MIGRANT,
                        Sex.FEMALE, 60)), "swapped"));
    }

    @Test
    void aCorrectionToFewerPeopleFreesCapacityAndACancelledCorrectionFreesAllItHeld() {
        Capacity hundredAMonth = new Capacity(100, Capacity.Period.MONTH);
        Headcount sixty = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 60);
        Headcount thirty = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 30);
        Headcount ninety = count(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 90);
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null),
                        new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(thirty), "recount"))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(count(VE,
                        PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 71)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "capacity-exceeded"));
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null),
                        new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(thirty), "recount"))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(count(VE,
                        PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 70)), null, null))
                .expectSuccessfulHandlerExecution();
        fixture.given(guatemalaInForce(hundredAMonth))
                .andGiven(new TransferRecorded(ID, FLIGHT, US, GT, MAR_15, List.of(sixty), null),
                        new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(ninety), "recount"),
                        new TransferCancelled(ID, FLIGHT, MAR_16, "aircraft"))
                .when(new RecordTransfer(ID, SECOND_FLIGHT, US, GT, MAR_16, List.of(count(VE,
                        PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, 100)), null, null))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void noTransferIsAcceptedUnderAnOfferNotYetInForce() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void noTransferIsAcceptedWhileTheAgreementIsSuspended() {
        fixture.given(elSalvadorInForce()).andGiven(new AgreementSuspended(ID, US, MAR_15, "review"))
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void noTransferIsAcceptedAfterTheAgreementExpired() {
        fixture.given(elSalvadorInForce()).andGiven(new AgreementExpired(ID, elSalvadorOffer().validity().until()))
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "agreement-expired"));
    }

    @Test
    void noTransferIsAcceptedOnceTheValidityHasEndedEvenBeforeTheExpiryIsRecorded() {
        Clock afterValidity = Clock.fixed(LocalDate.of(2026, 3, 1).atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        fixture = new AggregateTestFixture<>(Agreement.class);
        fixture.registerInjectableResource(afterValidity);
        fixture.registerInjectableResource(new EventStoreHeadcounts(fixture.getEventStore()));
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "agreement-expired"));
    }

    @Test
    void aTransferDatedOutsideTheValidityIsRefused() {
        fixture.given(elSalvadorInForce())
                .when(new RecordTransfer(ID, FLIGHT, US, SV, LocalDate.of(2025, 1, 31),
                        List.of(count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "outside-validity"));
    }

    @Test
    void aTransferNeedsSenderAndReceiverToBeDifferentParties() {
        fixture.given(elSalvadorInForce())
                .when(new RecordTransfer(ID, FLIGHT, MX, SV, MAR_16,
                        List.of(count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1)), null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "not-a-party"));
    }

    @Test
    void aTransferIdCannotBeRecordedTwice() {
        Headcount one = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1);
        fixture.given(elSalvadorInForce()).andGiven(recordedUsToElSalvador(FLIGHT, one))
                .when(usToElSalvador(FLIGHT, one))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "duplicate-transfer"));
    }

    @Test
    void aCompletedTransferAssessesThePerPersonFeeItOwes() {
        Headcount gang = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 238);
        fixture.given(elSalvadorInForce()).andGiven(recordedUsToElSalvador(FLIGHT, gang))
                .when(new CompleteTransfer(ID, FLIGHT, MAR_16, null))
                .expectEvents(new TransferCompleted(ID, FLIGHT, MAR_16),
                        new FeeAssessed(ID, FLIGHT, US, SV, Money.of("4760000.00", "USD"),
                                FeeSchedule.Basis.PER_PERSON_PER_YEAR, 238, MAR_16));
    }

    @Test
    void aCancelledTransferCannotBeCompleted() {
        Headcount one = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1);
        fixture.given(elSalvadorInForce()).andGiven(recordedUsToElSalvador(FLIGHT, one),
                        new TransferCancelled(ID, FLIGHT, MAR_16, "weather"))
                .when(new CompleteTransfer(ID, FLIGHT, MAR_16, null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void aCompletedTransferCannotBeCancelled() {
        Headcount one = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1);
        fixture.given(elSalvadorInForce()).andGiven(recordedUsToElSalvador(FLIGHT, one),
                        new TransferCompleted(ID, FLIGHT, MAR_16))
                .when(new CancelTransfer(ID, FLIGHT, MAR_16, "too late", null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void anUnknownTransferCannotBeCompleted() {
        fixture.given(elSalvadorInForce())
                .when(new CompleteTransfer(ID, FLIGHT, MAR_16, null))
                .expectNoEvents()
                .expectException(refusal(Kind.NOT_FOUND, "unknown-transfer"));
    }

    @Test
    void aCorrectionIsANewEventThatReferencesTheOneItCorrectsAndAdjustsTheFee() {
        Headcount recorded = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 238);
        Headcount recount = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 236);
        fixture.given(elSalvadorInForce())
                .andGiven(recordedUsToElSalvador(FLIGHT, recorded), new TransferCompleted(ID, FLIGHT, MAR_16))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16, List.of(recount), "manifest recount", null))
                .expectEvents(new TransferCorrected(ID, FLIGHT, 3, MAR_16, List.of(recount), "manifest recount"),
                        new FeeAssessed(ID, FLIGHT, US, SV, Money.of("-40000.00", "USD"),
                                FeeSchedule.Basis.PER_PERSON_PER_YEAR, -2, MAR_16));
    }

    @Test
    void aCorrectionMustStillRespectTheSendersLaw() {
        Headcount recorded = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 10);
        fixture.given(elSalvadorInForce()).andGiven(recordedUsToElSalvador(FLIGHT, recorded))
                .when(new CorrectTransfer(ID, FLIGHT, MAR_16,
                        List.of(recorded, count(US, PersonCategory.CONVICTED_CRIMINAL, Sex.MALE, 1)), "add one", null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "own-citizen-removal"));
    }

    @Test
    void aTransferCountsEachCombinationOnce() {
        Headcount one = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 1);
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, one, one))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "duplicate-headcount"));
    }

    @Test
    void adultsAndMinorsOfTheSameNationalityCategoryAndSexAreCountedApart() {
        Headcount adults = count(VE, PersonCategory.GANG_MEMBER, Sex.MALE, 5);
        Headcount minors = new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.MINOR, 2);
        fixture.given(elSalvadorInForce())
                .when(usToElSalvador(FLIGHT, adults, minors))
                .expectSuccessfulHandlerExecution()
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.payloadsMatching(
                        org.axonframework.test.matchers.Matchers.exactSequenceOf(
                                org.hamcrest.Matchers.instanceOf(org.agreementledger.contract.TransferRecorded.class),
                                org.axonframework.test.matchers.Matchers.andNoMore())));
    }
}
