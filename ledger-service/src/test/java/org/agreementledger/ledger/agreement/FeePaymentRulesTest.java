package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.ledger.command.LedgerRuleViolation.Kind;
import org.agreementledger.ledger.fee.FeeCommands.RecordFeePayment;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.agreementledger.ledger.agreement.Refusals.refusal;
import static org.agreementledger.ledger.agreement.Treaties.*;

class FeePaymentRulesTest {

    private static final PaymentId PAYMENT = PaymentId.of("3d1b8c5a-2e3f-4a0b-9c73-4b2f7c6a9d32");
    private static final LocalDate MAR_20 = LocalDate.of(2025, 3, 20);

    private FixtureConfiguration<Agreement> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(Agreement.class);
        fixture.registerInjectableResource(MARCH_2025);
    }

    @Test
    void theUnitedStatesPaysElSalvadorItsFeeInDollars() {
        Money sixMillion = Money.of("6000000.00", "USD");
        fixture.given(elSalvadorInForce())
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, sixMillion, MAR_20, "first instalment", null))
                .expectEvents(new FeePaymentRecorded(ID, PAYMENT, US, SV, sixMillion, MAR_20, "first instalment"));
    }

    @Test
    void aPaymentInAnotherCurrencyThanTheScheduleIsRefused() {
        fixture.given(elSalvadorInForce())
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, Money.of("1000.00", "EUR"), MAR_20, null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "currency-mismatch"));
    }

    @Test
    void aPaymentNoScheduleCallsForIsRefused() {
        fixture.given(elSalvadorInForce())
                .when(new RecordFeePayment(ID, PAYMENT, SV, US, Money.of("1000.00", "USD"), MAR_20, null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "no-fee-schedule"));
    }

    @Test
    void anOverpaymentIsRecordedInFullAsACredit() {
        Money moreThanAssessed = Money.of("99999999.00", "USD");
        fixture.given(elSalvadorInForce())
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, moreThanAssessed, MAR_20, null, null))
                .expectEvents(new FeePaymentRecorded(ID, PAYMENT, US, SV, moreThanAssessed, MAR_20, null));
    }

    @Test
    void aPaymentIsRecordedOnlyOnce() {
        Money amount = Money.of("100.00", "USD");
        fixture.given(elSalvadorInForce())
                .andGiven(new FeePaymentRecorded(ID, PAYMENT, US, SV, amount, MAR_20, null))
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, amount, MAR_20, null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "duplicate-payment"));
    }

    @Test
    void noFeeIsPaidUnderAnOfferThatWasNeverInForce() {
        fixture.given(offered(SV, List.of(SV, US), elSalvadorOffer()))
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, Money.of("100.00", "USD"), MAR_20, null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.STATE_CONFLICT, "illegal-transition"));
    }

    @Test
    void aPaymentIsPositive() {
        fixture.given(elSalvadorInForce())
                .when(new RecordFeePayment(ID, PAYMENT, US, SV, Money.of("0.00", "USD"), MAR_20, null, null))
                .expectNoEvents()
                .expectException(refusal(Kind.RULE_BROKEN, "non-positive-amount"));
    }
}
