package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Identity of one agreement; also its aggregate id in the event store and its Kafka key. */
public record AgreementId(String value) {

    public AgreementId {
        UuidText.require(value, "agreement id");
    }

    /** Whether {@code value} names an agreement at all (a UUID), for readers that answer 400 rather than throw. */
    public static boolean isValid(String value) {
        return UuidText.isUuid(value);
    }

    @JsonCreator
    public static AgreementId of(String value) {
        return new AgreementId(value);
    }

    /** A new id, later than any made before it in this JVM ({@link TimeOrderedIds}). */
    public static AgreementId generate() {
        return new AgreementId(TimeOrderedIds.next().toString());
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
