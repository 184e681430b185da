package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.command.LedgerRuleViolation;

import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.Validity;
import org.agreementledger.ledger.agreement.LifecycleCommands.AcceptAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.AmendOffer;
import org.agreementledger.ledger.agreement.LifecycleCommands.ExpireAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.OfferAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.RejectAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.ResumeAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.SuspendAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.TerminateAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.WithdrawOffer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.agreementledger.ledger.agreement.Treaties.*;

class AgreementLifecycleTest {

    private FixtureConfiguration<Agreement> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(Agreement.class);
        fixture.registerInjectableResource(MARCH_2025);
    }

    static Matcher<Throwable> refusal(LedgerRuleViolation.Kind kind, String problem) {
        return Refusals.refusal(kind, problem);
    }

    @Test
    void elSalvadorsOfferIsRecordedExactlyAsMadeIncludingTheClauseOnConvictedUsCitizens() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), FEB_3, elSalvadorOffer(), "public reporting, Feb 2025"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(offered(SV, List.of(SV, US), elSalvadorOffer()));
    }

    @Test
    void anOfferNeedsAtLeastOneOtherParty() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(), FEB_3, elSalvadorOffer(), null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "too-few-parties"));
    }

    @Test
    void aCountryCannotBeNamedTwiceAmongTheParties() {
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US, SV), FEB_3, elSalvadorOffer(), null))
                .expectNoEvents()
                .expectExceptionMessage("SV is named more than once (the offering party is a party already).");
    }

    @Test
    void anOfferNeedsATitle() {
        AgreementTerms untitled = new AgreementTerms("  ", List.of(), List.of(), new Validity(FEB_3, null));
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), FEB_3, untitled, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "missing-title"));
    }

    @Test
    void commitmentsCanOnlyBindParties() {
        AgreementTerms mexicoBound = new AgreementTerms("t", List.of(new Commitment.ProvideAssistance(MX, null, "ports")),
                List.of(), new Validity(FEB_3, null));
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), FEB_3, mexicoBound, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "not-a-party"));
    }

    @Test
    void aPartyCannotOweAFeeToItself() {
        AgreementTerms selfPaying = new AgreementTerms("t", List.of(),
                List.of(new FeeSchedule(US, US, CECOT_FEE, FeeSchedule.Basis.PER_PERSON)), new Validity(FEB_3, null));
        fixture.givenNoPriorActivity()
                .when(new OfferAgreement(ID, SV, List.of(US), FEB_3, selfPaying, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "fee-to-self"));
    }

    @Test
    void aCounterOfferReplacesTheTermsAndTheOfferingPartyMustThenAcceptIt() {
        AgreementTerms counter = new AgreementTerms("Convicted criminals only, no US citizens",
                List.of(elSalvadorOffer().commitments().get(0)), elSalvadorOffer().feeSchedules(), elSalvadorOffer().validity());
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new AmendOffer(ID, US, FEB_5, counter, null))
                .expectEvents(new OfferAmended(ID, US, FEB_5, counter));
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()), new OfferAmended(ID, US, FEB_5, counter))
                .when(new AcceptAgreement(ID, SV, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, SV, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5));
    }

    @Test
    void aCountryThatIsNotAPartyCannotAmendTheOffer() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new AmendOffer(ID, GT, FEB_5, elSalvadorOffer(), null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "not-a-party"))
                .expectExceptionMessage("GT is not a party to agreement " + ID + ".");
    }

    @Test
    void theAgreementEntersIntoForceWhenTheOtherPartyAccepts() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5));
    }

    @Test
    void aThreePartyAgreementIsInForceOnlyOnceEveryOtherPartyHasAccepted() {
        AgreementTerms terms = new AgreementTerms("Repatriation flights", List.of(), List.of(), new Validity(FEB_3, null));
        fixture.given(offered(PA, List.of(PA, CO, US), terms))
                .when(new AcceptAgreement(ID, CO, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, CO, FEB_5));
        fixture.given(offered(PA, List.of(PA, CO, US), terms), new AgreementAccepted(ID, CO, FEB_5))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5));
    }

    @Test
    void anAgreementEntersIntoForceNoEarlierThanItsValidityStarts() {
        AgreementTerms later = new AgreementTerms("t", List.of(), List.of(), new Validity(LocalDate.of(2025, 3, 1), null));
        fixture.given(offered(SV, List.of(SV, US), later))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, LocalDate.of(2025, 3, 1)));
    }

    @Test
    void aPartyCannotAcceptTwice() {
        AgreementTerms terms = new AgreementTerms("t", List.of(), List.of(), new Validity(FEB_3, null));
        fixture.given(offered(PA, List.of(PA, CO, US), terms), new AgreementAccepted(ID, CO, FEB_5))
                .when(new AcceptAgreement(ID, CO, FEB_5, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "already-accepted"));
    }

    @Test
    void aWithdrawnOfferCannotBeAccepted() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()), new OfferWithdrawn(ID, SV, FEB_5, "superseded"))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "illegal-transition"))
                .expectExceptionMessage("Cannot accept agreement " + ID + ": it is WITHDRAWN.");
    }

    @Test
    void onlyTheOfferingPartyMayWithdrawTheOffer() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new WithdrawOffer(ID, US, FEB_5, null, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "only-offering-party"));
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new WithdrawOffer(ID, SV, FEB_5, "superseded", null))
                .expectEvents(new OfferWithdrawn(ID, SV, FEB_5, "superseded"));
    }

    @Test
    void anAgreementInForceCanNoLongerBeWithdrawn() {
        fixture.given(elSalvadorInForce())
                .when(new WithdrawOffer(ID, SV, MAR_15, null, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void aRejectedOfferCannotBeAccepted() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()), new AgreementRejected(ID, US, FEB_5, "no"))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void theOfferingPartyCannotRejectItsOwnOffer() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new RejectAgreement(ID, SV, FEB_5, null, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.RULE_BROKEN, "cannot-reject-own-terms"));
    }

    @Test
    void anAgreementInForceCanBeSuspendedAndResumed() {
        fixture.given(elSalvadorInForce())
                .when(new SuspendAgreement(ID, US, MAR_15, "review", null))
                .expectEvents(new AgreementSuspended(ID, US, MAR_15, "review"));
        fixture.given(elSalvadorInForce()).andGiven(new AgreementSuspended(ID, US, MAR_15, "review"))
                .when(new ResumeAgreement(ID, SV, MAR_15, null))
                .expectEvents(new AgreementResumed(ID, SV, MAR_15));
    }

    @Test
    void anOfferNotInForceCannotBeSuspended() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new SuspendAgreement(ID, US, MAR_15, null, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void aTerminatedAgreementCannotBeResumed() {
        fixture.given(elSalvadorInForce()).andGiven(new AgreementTerminated(ID, US, MAR_15, "ended"))
                .when(new ResumeAgreement(ID, US, MAR_15, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void aSuspendedAgreementCanBeTerminated() {
        fixture.given(elSalvadorInForce()).andGiven(new AgreementSuspended(ID, US, MAR_15, "review"))
                .when(new TerminateAgreement(ID, SV, MAR_15, "ended", null))
                .expectEvents(new AgreementTerminated(ID, SV, MAR_15, "ended"));
    }

    @Test
    void anAgreementExpiresOnceItsValidityHasEnded() {
        LocalDate until = elSalvadorOffer().validity().until();
        fixture.given(elSalvadorInForce())
                .when(new ExpireAgreement(ID, until.plusDays(1)))
                .expectEvents(new AgreementExpired(ID, until));
    }

    @Test
    void anAgreementDoesNotExpireBeforeTheEndOfItsValidity() {
        LocalDate until = elSalvadorOffer().validity().until();
        fixture.given(elSalvadorInForce())
                .when(new ExpireAgreement(ID, until))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anExpiredAgreementCannotBeResumedOrSuspended() {
        fixture.given(elSalvadorInForce()).andGiven(new AgreementExpired(ID, elSalvadorOffer().validity().until()))
                .when(new SuspendAgreement(ID, US, MAR_15, null, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "agreement-expired"));
        fixture.given(elSalvadorInForce())
                .andGiven(new AgreementSuspended(ID, US, MAR_15, "review"),
                        new AgreementExpired(ID, elSalvadorOffer().validity().until()))
                .when(new ResumeAgreement(ID, US, MAR_15, null))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.STATE_CONFLICT, "agreement-expired"));
    }

    @Test
    void aCommandBasedOnAnOutdatedVersionIsRefused() {
        fixture.given(elSalvadorInForce())
                .when(new SuspendAgreement(ID, US, MAR_15, "review", 1L))
                .expectNoEvents()
                .expectException(refusal(LedgerRuleViolation.Kind.VERSION_MISMATCH, "version-mismatch"));
        fixture.given(elSalvadorInForce())
                .when(new SuspendAgreement(ID, US, MAR_15, "review", 2L))
                .expectEvents(new AgreementSuspended(ID, US, MAR_15, "review"));
    }

    @Test
    void aLumpSumFallsDueWhenTheAgreementEntersIntoForce() {
        Money lumpSum = Money.of("1500000.00", "USD");
        AgreementTerms terms = new AgreementTerms("t", List.of(),
                List.of(new FeeSchedule(US, GT, lumpSum, FeeSchedule.Basis.LUMP_SUM)), new Validity(FEB_5, null));
        fixture.given(offered(GT, List.of(GT, US), terms))
                .when(new AcceptAgreement(ID, US, FEB_5, null))
                .expectEvents(new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5),
                        new FeeAssessed(ID, null, US, GT, lumpSum, FeeSchedule.Basis.LUMP_SUM, 0, FEB_5));
    }
}
