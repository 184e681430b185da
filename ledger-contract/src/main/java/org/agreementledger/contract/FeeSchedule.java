package org.agreementledger.contract;

import java.util.Objects;

/**
 * What the payer owes the payee. Per-person and per-transfer fees are assessed when a transfer to the payee
 * completes; a lump sum when the agreement enters into force.
 */
public record FeeSchedule(CountryCode payer, CountryCode payee, Money amount, Basis basis) {

    public enum Basis {
        PER_PERSON,
        /** Per person for each month or year held; the first period is assessed when the transfer completes. */
        PER_PERSON_PER_MONTH,
        PER_PERSON_PER_YEAR,
        PER_TRANSFER,
        LUMP_SUM
    }

    public FeeSchedule {
        Objects.requireNonNull(payer, "payer");
        Objects.requireNonNull(payee, "payee");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(basis, "basis");
    }
}
