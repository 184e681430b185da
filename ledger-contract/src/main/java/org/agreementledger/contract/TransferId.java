package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** One movement of people under an agreement, e.g. one flight. */
public record TransferId(String value) {

    public TransferId {
        Objects.requireNonNull(value, "TransferId");
        try {
            UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TransferId must be a UUID, got '" + value + "'");
        }
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
