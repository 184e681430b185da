package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** One fee payment, as recorded by its payer. */
public record PaymentId(String value) {

    public PaymentId {
        UuidText.require(value, "PaymentId");
    }

    @JsonCreator
    public static PaymentId of(String value) {
        return new PaymentId(value);
    }

    /** A new id, later than any made before it in this JVM ({@link TimeOrderedIds}). */
    public static PaymentId generate() {
        return new PaymentId(TimeOrderedIds.next().toString());
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
