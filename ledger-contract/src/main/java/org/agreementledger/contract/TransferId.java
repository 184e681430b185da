package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** One movement of people under an agreement, e.g. one flight. */
public record TransferId(String value) {

    public TransferId {
        UuidText.require(value, "TransferId");
    }

    @JsonCreator
    public static TransferId of(String value) {
        return new TransferId(value);
    }

    /** A new id, later than any made before it in this JVM ({@link TimeOrderedIds}). */
    public static TransferId generate() {
        return new TransferId(TimeOrderedIds.next().toString());
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
