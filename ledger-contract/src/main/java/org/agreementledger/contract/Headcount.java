package org.agreementledger.contract;

import java.util.Objects;

/** How many people of one nationality, category and sex a transfer moves: aggregate counts, never names. */
public record Headcount(CountryCode nationality, PersonCategory category, Sex sex, int count) {

    public Headcount {
        Objects.requireNonNull(nationality, "nationality");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(sex, "sex");
        if (count <= 0) {
            throw new IllegalArgumentException("a headcount is positive, got " + count);
        }
    }
}
