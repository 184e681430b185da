package org.agreementledger.contract;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a consumer knows of one event besides its payload: the CloudEvents attributes carried in the
 * record's headers ({@link EventHeaders}).
 */
public record EventEnvelope(
        String eventId,
        String type,
        AgreementId agreementId,
        long sequence,
        Instant time,
        int schemaVersion,
        Optional<String> correlationId,
        Optional<String> causationId,
        Optional<String> principal,
        Optional<String> country) {

    /**
     * Reads the envelope from a record's headers.
     *
     * @param header the last value of a header as a UTF-8 string, or null when absent
     * @throws IllegalArgumentException naming the missing or malformed header
     */
    public static EventEnvelope fromHeaders(Function<String, String> header) {
        return new EventEnvelope(
                required(header, EventHeaders.ID),
                required(header, EventHeaders.TYPE),
                AgreementId.of(required(header, EventHeaders.SUBJECT)),
                parseLong(required(header, EventHeaders.SEQUENCE), EventHeaders.SEQUENCE),
                Instant.parse(required(header, EventHeaders.TIME)),
                Optional.ofNullable(header.apply(EventHeaders.SCHEMA_VERSION)).map(Integer::parseInt).orElse(1),
                Optional.ofNullable(header.apply(EventHeaders.CORRELATION_ID)),
                Optional.ofNullable(header.apply(EventHeaders.CAUSATION_ID)),
                Optional.ofNullable(header.apply(EventHeaders.PRINCIPAL)),
                Optional.ofNullable(header.apply(EventHeaders.COUNTRY)));
    }

    private static String required(Function<String, String> header, String name) {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("event record lacks header " + name);
        }
        return value;
    }

    private static long parseLong(String value, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + name + " is not a number: " + value);
        }
    }
}
