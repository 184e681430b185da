package org.agreementledger.contract;

import java.time.LocalDate;

/**
 * The payer paid the payee. A payment above what is outstanding is recorded in full; the excess is a credit
 * that later assessments in that currency draw on.
 */
public record FeePaymentRecorded(
        AgreementId agreementId,
        PaymentId paymentId,
        CountryCode payer,
        CountryCode payee,
        Money amount,
        LocalDate paidOn,
        String reference) implements AgreementEvent {
}
