package org.agreementledger.contract;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
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
     * The largest sequence an event may have: 2^53 − 1, the largest whole number every JSON reader holds exactly (the
     * views and histories show it as a JSON number). No ledger comes near it; a record claiming more, or less than 0,
     * is not one of its events.
     */
    public static final long MAX_SEQUENCE = (1L << 53) - 1;

    public EventEnvelope {
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence " + sequence + " is out of range: 0 to " + MAX_SEQUENCE);
        }
    }

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
                parseTime(required(header, EventHeaders.TIME)),
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

    /**
     * {@link Instant#parse}, with a fast path for the one shape the ledger writes ({@code 2025-02-05T10:00:00.123Z}:
     * four-digit year, 'T', 'Z', up to nine fraction digits): an auditor reads a million of them. Anything else, and
     * any out-of-range field, is left to Instant.parse, so what is accepted, refused and said about it is unchanged.
     */
    static Instant parseTime(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z'
                || (length > 20 && (text.charAt(19) != '.' || length == 21))) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 20 ? digits(text, 20, length - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return Instant.parse(text);
        }
        int nanos = fraction;
        for (int scale = length - 1 - 20; length > 20 && scale < 9; scale++) {
            nanos *= 10;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in text[from, to), or -1 if any character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
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
