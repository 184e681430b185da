package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.Objects;

/** At most {@code persons} people per period (a calendar month, a calendar year, or the whole agreement). */
public record Capacity(int persons, Period period) {

    public enum Period { MONTH, YEAR, AGREEMENT }

    public Capacity {
        Objects.requireNonNull(period, "period");
        if (persons <= 0 || persons > ContractLimits.MAX_CAPACITY) {
            throw new IllegalArgumentException("a capacity is from 1 to " + ContractLimits.MAX_CAPACITY + " persons, got " + persons);
        }
    }

    /** The period a date falls in, as a stable key: 2025-02, 2025, or "agreement". */
    public String periodOf(LocalDate date) {
        return switch (period) {
            case MONTH -> date.getYear() + "-" + String.format("%02d", date.getMonthValue());
            case YEAR -> Integer.toString(date.getYear());
            case AGREEMENT -> "agreement";
        };
    }
}
