package org.agreementledger.contract;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
        Optional<String> country,
        Optional<String> previousHash,
        Optional<String> hash) {

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
                Optional.ofNullable(header.apply(EventHeaders.COUNTRY)),
                Optional.ofNullable(header.apply(EventHeaders.PREVIOUS_HASH)),
                Optional.ofNullable(header.apply(EventHeaders.HASH)));
    }

    /** The record headers carrying this envelope, in CloudEvents binary mode; the one place they are written. */
    public Map<String, String> toHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_VALUE);
        headers.put(EventHeaders.ID, eventId);
        headers.put(EventHeaders.SOURCE, EventHeaders.SOURCE_VALUE);
        headers.put(EventHeaders.TYPE, type);
        headers.put(EventHeaders.SUBJECT, agreementId.value());
        headers.put(EventHeaders.TIME, time.toString());
        headers.put(EventHeaders.SEQUENCE, Long.toString(sequence));
        headers.put(EventHeaders.SCHEMA_VERSION, Integer.toString(schemaVersion));
        headers.put(EventHeaders.CONTENT_TYPE, EventHeaders.JSON);
        correlationId.ifPresent(v -> headers.put(EventHeaders.CORRELATION_ID, v));
        causationId.ifPresent(v -> headers.put(EventHeaders.CAUSATION_ID, v));
        principal.ifPresent(v -> headers.put(EventHeaders.PRINCIPAL, v));
        country.ifPresent(v -> headers.put(EventHeaders.COUNTRY, v));
        previousHash.ifPresent(v -> headers.put(EventHeaders.PREVIOUS_HASH, v));
        hash.ifPresent(v -> headers.put(EventHeaders.HASH, v));
        return headers;
    }

    public EventEnvelope withHash(String newHash) {
        return new EventEnvelope(eventId, type, agreementId, sequence, time, schemaVersion, correlationId, causationId,
                principal, country, previousHash, Optional.of(newHash));
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
