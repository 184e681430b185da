package org.agreementledger.contract;

import java.time.LocalDate;
import java.util.Objects;

/** The days an agreement may be in force, both inclusive; no end date means until terminated. */
public record Validity(LocalDate from, LocalDate until) {

    public Validity {
        Objects.requireNonNull(from, "from");
        if (until != null && until.isBefore(from)) {
            throw new IllegalArgumentException("validity ends (" + until + ") before it starts (" + from + ")");
        }
    }

    public boolean contains(LocalDate date) {
        return !date.isBefore(from) && (until == null || !date.isAfter(until));
    }
}
