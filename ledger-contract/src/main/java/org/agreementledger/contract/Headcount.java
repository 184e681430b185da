package org.agreementledger.contract;

import java.util.Objects;

/**
 * How many people of one nationality, category, sex and age group a transfer moves: aggregate counts, never names.
 * The age group arrived with schema version 2 of {@link TransferRecorded} and {@link TransferCorrected}; older
 * events are brought to it by {@link EventUpcasting}.
 */
public record Headcount(CountryCode nationality, PersonCategory category, Sex sex, AgeGroup ageGroup, int count) {

    public Headcount {
        Objects.requireNonNull(nationality, "nationality");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(sex, "sex");
        Objects.requireNonNull(ageGroup, "ageGroup");
        if (count <= 0 || count > ContractLimits.MAX_HEADCOUNT) {
            throw new IllegalArgumentException("a headcount is from 1 to " + ContractLimits.MAX_HEADCOUNT + ", got " + count);
        }
    }
}
