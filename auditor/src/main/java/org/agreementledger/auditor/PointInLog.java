package org.agreementledger.auditor;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a replay stops, as the projection-service's as-of understands it too: an instant (events appended up to
 * and including it) and/or a log position (per partition, the offset of the first record not to include).
 */
record PointInLog(Optional<Instant> instant, Map<Integer, Long> positions) {

    static final PointInLog END = new PointInLog(Optional.empty(), Map.of());

    /** {@code 2025-03-01T00:00:00Z} or {@code 0:120,3:98}. */
    static PointInLog parse(String value) {
        if (value == null || value.isBlank()) {
            return END;
        }
        if (value.contains("T")) {
            try {
                return new PointInLog(Optional.of(Instant.parse(value.trim())), Map.of());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--as-of must be an instant such as 2025-03-01T00:00:00Z or a position"
                        + " such as 0:120,3:98; got '" + value + "'");
            }
        }
        Map<Integer, Long> positions = new TreeMap<>();
        for (String part : value.split(",")) {
            String[] pair = part.trim().split(":");
            try {
                positions.put(Integer.parseInt(pair[0]), Long.parseLong(pair[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--as-of must be an instant such as 2025-03-01T00:00:00Z or a position such as "
                        + "0:120,3:98 (partition:offset pairs); got '" + value + "'");
            }
        }
        return new PointInLog(Optional.empty(), positions);
    }

    boolean includes(LogRecord record, Instant time) {
        Long end = positions.get(record.partition());
        if (end != null && record.offset() >= end) {
            return false;
        }
        return instant.isEmpty() || time != null && !time.isAfter(instant.get());
    }

    static String format(Map<Integer, Long> positions) {
        return new TreeMap<>(positions).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
