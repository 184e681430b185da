package org.agreementledger.projection.asof;

import org.agreementledger.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A point in the log to answer "as of": an instant (events appended up to and including it) or a log position
 * (per partition, the offset of the first record not to include, e.g. {@code 0:120,3:98}; unnamed partitions are
 * read to their end).
 */
public record AsOf(Optional<Instant> instant, Map<Integer, Long> positions) {

    public static Optional<AsOf> parse(String instant, String position) {
        if ((instant == null || instant.isBlank()) && (position == null || position.isBlank())) {
            return Optional.empty();
        }
        Optional<Instant> at = Optional.empty();
        if (instant != null && !instant.isBlank()) {
            try {
                at = Optional.of(Instant.parse(instant));
            } catch (DateTimeParseException e) {
                throw new InvalidAsOf("asOf", "asOf must be an ISO-8601 instant such as 2025-03-01T00:00:00Z, got '" + instant + "'");
            }
        }
        Map<Integer, Long> positions = new HashMap<>();
        if (position != null && !position.isBlank()) {
            for (String part : position.split(",")) {
                String[] pair = part.trim().split(":");
                try {
                    positions.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1]));
                } catch (RuntimeException e) {
                    throw new InvalidAsOf("position", "position is partition:offset pairs such as 0:120,3:98, got '" + position + "'");
                }
            }
        }
        return Optional.of(new AsOf(at, Map.copyOf(positions)));
    }

    /** A malformed as-of parameter; answered with 400 naming it. */
    public static class InvalidAsOf extends IllegalArgumentException {
        final String field;

        InvalidAsOf(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** Whether a record belongs to the views as of this point. */
    boolean includes(ConsumerRecord<String, byte[]> record) {
        Long end = positions.get(record.partition());
        if (end != null && record.offset() >= end) {
            return false;
        }
        if (instant.isPresent()) {
            Header time = record.headers().lastHeader(EventHeaders.TIME);
            return time != null && !Instant.parse(new String(time.value(), StandardCharsets.UTF_8)).isAfter(instant.get());
        }
        return true;
    }
}
