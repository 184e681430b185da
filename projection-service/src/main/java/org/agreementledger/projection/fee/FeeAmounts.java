package org.agreementledger.projection.fee;

import org.agreementledger.contract.CurrencyCode;

import java.math.BigDecimal;

/**
 * A fee balance's amounts as every view states them: exact decimal strings at the currency's minor unit; an
 * outstanding amount below zero is the payer's credit.
 */
public record FeeAmounts(String assessed, String paid, String outstanding) {

    public static FeeAmounts of(String currency, BigDecimal assessed, BigDecimal paid) {
        int digits = CurrencyCode.of(currency.trim()).minorUnitDigits();
        BigDecimal assessedAtMinorUnit = assessed.setScale(digits);
        BigDecimal paidAtMinorUnit = paid.setScale(digits);
        return new FeeAmounts(assessedAtMinorUnit.toPlainString(), paidAtMinorUnit.toPlainString(),
                assessedAtMinorUnit.subtract(paidAtMinorUnit).toPlainString());
    }
}
