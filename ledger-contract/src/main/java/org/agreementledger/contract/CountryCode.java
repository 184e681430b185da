package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** A party to agreements: an ISO 3166-1 alpha-2 country code, as the JDK knows them. */
public record CountryCode(String value) {

    private static final Set<String> ISO_3166_ALPHA_2 = Set.of(Locale.getISOCountries());

    public CountryCode {
        Objects.requireNonNull(value, "country code");
        if (!isKnown(value)) {
            throw new IllegalArgumentException("'" + value + "' is not an ISO 3166-1 alpha-2 country code");
        }
    }

    /** True for upper-case ISO 3166-1 alpha-2 codes only: "us" is refused rather than guessed at. */
    public static boolean isKnown(String value) {
        return value != null && ISO_3166_ALPHA_2.contains(value);
    }

    @JsonCreator
    public static CountryCode of(String value) {
        return new CountryCode(value);
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
