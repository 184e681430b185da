package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Currency;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** An ISO 4217 currency the JDK knows, e.g. USD; its minor unit fixes the scale of {@link Money}. */
public record CurrencyCode(String value) {

    private static final Set<String> ISO_4217 = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    public CurrencyCode {
        Objects.requireNonNull(value, "currency");
        if (!isKnown(value)) {
            throw new IllegalArgumentException("'" + value + "' is not an ISO 4217 currency code");
        }
    }

    public static boolean isKnown(String value) {
        return value != null && ISO_4217.contains(value);
    }

    @JsonCreator
    public static CurrencyCode of(String value) {
        return new CurrencyCode(value);
    }

    /** Digits after the decimal point: 2 for USD, 0 for JPY. Currencies without one (XAU) count as 0. */
    public int minorUnitDigits() {
        return Math.max(0, Currency.getInstance(value).getDefaultFractionDigits());
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
