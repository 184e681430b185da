package org.agreementledger.contract.views;

import org.agreementledger.contract.ContractLimits;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A point in the log to read the views as of, understood alike by the projection's as-of and the auditor's replay:
 * an instant (the events appended up to and including it) and/or a log position (per partition, the offset of the
 * first record not to include; a partition not named is read to its end). Its text forms are
 * {@code 2025-03-01T00:00:00Z} and {@code 0:120,3:98}; whatever would make two readers disagree about which records
 * a point includes (a partition named twice, a sign, a year past 9999, a partition the topic does not have) is
 * refused rather than read one way or the other.
 */
public record AsOfPoint(Optional<Instant> instant, SortedMap<Integer, Long> positions) {

    public static final AsOfPoint END = new AsOfPoint(Optional.empty(), new TreeMap<>());

    /** The instants of the dates every reader holds (ContractLimits): from 0001-01-01 to the end of 9999-12-31. */
    private static final Instant EARLIEST = ContractLimits.EARLIEST_DATE.atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant LATEST = ContractLimits.LATEST_DATE.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
            .minusNanos(1);

    public AsOfPoint {
        positions = Collections.unmodifiableSortedMap(new TreeMap<>(positions));
    }

    /** A refused point; its message follows the name of the parameter or option that gave it. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    /** The point the two texts name (either may be null or blank); {@link #END} if neither names one. */
    public static AsOfPoint of(String instant, String position) {
        return new AsOfPoint(parseInstant(instant), parsePosition(position));
    }

    public boolean isEnd() {
        return instant.isEmpty() && positions.isEmpty();
    }

    /** The instant {@code text} names, empty if it is null or blank. */
    public static Optional<Instant> parseInstant(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Instant instant;
        try {
            instant = Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new Invalid("must be an instant such as 2025-03-01T00:00:00Z, got '" + shown(text) + "'");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new Invalid("must be an instant in the years 1 to 9999, as every date the ledger records is, got '"
                    + shown(text) + "'");
        }
        return Optional.of(instant);
    }

    /** Per partition, the offset {@code text} names; empty if it is null or blank. */
    public static SortedMap<Integer, Long> parsePosition(String text) {
        SortedMap<Integer, Long> positions = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return positions;
        }
        for (String part : text.split(",", -1)) {
            String pair = part.trim();
            int colon = pair.indexOf(':');
            if (colon < 1 || colon > 9 || pair.length() - colon - 1 < 1 || pair.length() - colon - 1 > 18
                    || !digits(pair, 0, colon) || !digits(pair, colon + 1, pair.length())) {
                throw new Invalid("must be partition:offset pairs such as 0:120,3:98 (each a whole number, at most 9 and"
                        + " 18 digits), got '" + shown(text) + "'");
            }
            int partition = Integer.parseInt(pair, 0, colon, 10);
            if (positions.put(partition, Long.parseLong(pair, colon + 1, pair.length(), 10)) != null) {
                throw new Invalid("names partition " + partition + " more than once, in '" + shown(text) + "'");
            }
        }
        return positions;
    }

    /** @throws Invalid if the point names a partition a topic of {@code partitions} partitions does not have */
    public void requirePartitionsWithin(int partitions) {
        if (!positions.isEmpty() && positions.lastKey() >= partitions) {
            throw new Invalid("names partition " + positions.lastKey() + ", but the topic has " + partitions
                    + " (0 to " + (partitions - 1) + ")");
        }
    }

    /** The offset of the first record of {@code partition} not to include, if the point names one. */
    public Optional<Long> endOf(int partition) {
        return Optional.ofNullable(positions.get(partition));
    }

    /**
     * Whether the record at {@code offset} of {@code partition} is within the point. Its {@code ce_time} header is read
     * only when the point has an instant; a record whose time is missing or unreadable is then outside it, for every
     * reader alike.
     */
    public boolean includes(int partition, long offset, Supplier<String> timeHeader) {
        Long end = positions.get(partition);
        if (end != null && offset >= end) {
            return false;
        }
        if (instant.isEmpty()) {
            return true;
        }
        String time = timeHeader.get();
        if (time == null) {
            return false;
        }
        try {
            return !Instant.parse(time).isAfter(instant.get());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Positions in the text form the point is read from, partitions in order: {@code 0:120,3:98}. */
    public static String format(Map<Integer, Long> positions) {
        return new TreeMap<>(positions).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String shown(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "… (" + text.length() + " characters)";
    }
}
