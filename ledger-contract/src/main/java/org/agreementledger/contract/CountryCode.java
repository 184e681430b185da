package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A party to agreements: an ISO 3166-1 alpha-2 country code, as the JDK knows them. */
public record CountryCode(String value) {

    private static final Set<String> ISO_3166_ALPHA_2 = Set.of(Locale.getISOCountries());

    /**
     * One instance per code, shared: an offer at the contract's bounds lists 25,000 nationalities, and a fresh object
     * and string for each kept 3 million of them in the ledger's heap after 120 such offers (its cache of recent
     * events), enough to exhaust it (docs/benchmarks.md, run X).
     */
    private static final Map<String, CountryCode> CANONICAL = Arrays.stream(Locale.getISOCountries())
            .collect(Collectors.toUnmodifiableMap(Function.identity(), CountryCode::new));

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
        CountryCode code = value == null ? null : CANONICAL.get(value);
        return code != null ? code : new CountryCode(value);
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
