package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An exact amount in one currency, held at the currency's minor unit (USD 20000.00, JPY 500). Never a
 * floating-point number: in JSON the amount is a decimal string, so no reader can round it.
 */
public record Money(
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
        CurrencyCode currency) {

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        int digits = currency.minorUnitDigits();
        // checked before any scaling: 1e999999999 must be refused, not expanded
        if (ContractLimits.integerDigits(amount) > ContractLimits.MAX_AMOUNT_INTEGER_DIGITS) {
            throw new IllegalArgumentException("an amount has at most " + ContractLimits.MAX_AMOUNT_INTEGER_DIGITS
                    + " digits before the decimal point");
        }
        if (amount.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException(amount.toPlainString() + " has more decimals than " + currency
                    + " has minor units (" + digits + ")");
        }
        amount = amount.setScale(digits);
    }

    /**
     * The one text form of an amount, as the API document states it: ASCII digits, at most one '.' with digits on both
     * sides, an optional leading '-'. Java's BigDecimal would also read 1E+2, +5, .5, 100. and other scripts' digits
     * (١٠٠), none of which the document allows; the ledger writes every amount in this form, so every event matches.
     */
    public static final String AMOUNT_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$";

    /** Whether {@code text} has the form {@link #AMOUNT_PATTERN} describes; a loop, since readers call it per amount. */
    public static boolean isAmountText(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        int digitsBefore = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
            digitsBefore++;
        }
        if (digitsBefore == 0) {
            return false;
        }
        if (i == text.length()) {
            return true;
        }
        if (text.charAt(i++) != '.') {
            return false;
        }
        int digitsAfter = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
            digitsAfter++;
        }
        return digitsAfter > 0 && i == text.length();
    }

    @JsonCreator
    public static Money of(@JsonProperty("amount") String amount, @JsonProperty("currency") String currency) {
        if (amount == null || currency == null) {
            throw new IllegalArgumentException("money needs an amount and a currency");
        }
        if (amount.length() > 64) {
            throw new IllegalArgumentException("an amount is a decimal of at most 64 characters");
        }
        if (!isAmountText(amount)) {
            throw new IllegalArgumentException("'" + amount + "' is not a decimal amount: ASCII digits with at most one"
                    + " '.' between them and an optional leading '-', e.g. 20000.00");
        }
        return new Money(new BigDecimal(amount), CurrencyCode.of(currency));
    }

    public static Money zero(CurrencyCode currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.add(other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.subtract(other.amount), currency);
    }

    public Money times(long factor) {
        return new Money(amount.multiply(BigDecimal.valueOf(factor)), currency);
    }

    /** Whether a party may state this amount (a fee schedule, a payment): below 10^15 in major units. */
    @JsonIgnore
    public boolean isWithinStatedBound() {
        return ContractLimits.integerDigits(amount) <= ContractLimits.MAX_STATED_AMOUNT_INTEGER_DIGITS;
    }

    @JsonIgnore
    public boolean isPositive() {
        return amount.signum() > 0;
    }

    @JsonIgnore
    public boolean isZero() {
        return amount.signum() == 0;
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
        }
    }

    @Override
    public String toString() {
        return currency + " " + amount.toPlainString();
    }
}
