package org.agreementledger.projection.asof;

import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.views.AsOfPoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/** The point in the log a request names ({@link AsOfPoint}, shared with the auditor), as the projection reads it. */
record AsOf(AsOfPoint point) {

    /** The point {@code asOf} and {@code position} name, or empty for now; a malformed one is refused naming it. */
    static Optional<AsOf> parse(String instant, String position) {
        Optional<Instant> at;
        try {
            at = AsOfPoint.parseInstant(instant);
        } catch (AsOfPoint.Invalid e) {
            throw new InvalidAsOf("asOf", "asOf " + e.getMessage());
        }
        SortedMap<Integer, Long> positions;
        try {
            positions = AsOfPoint.parsePosition(position);
        } catch (AsOfPoint.Invalid e) {
            throw new InvalidAsOf("position", "position " + e.getMessage());
        }
        AsOfPoint point = new AsOfPoint(at, positions);
        return point.isEnd() ? Optional.empty() : Optional.of(new AsOf(point));
    }

    /** A malformed as-of parameter; answered with 400 naming it. */
    public static class InvalidAsOf extends IllegalArgumentException {
        final String field;

        InvalidAsOf(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    void requirePartitionsWithin(int partitions) {
        try {
            point.requirePartitionsWithin(partitions);
        } catch (AsOfPoint.Invalid e) {
            throw new InvalidAsOf("position", "position " + e.getMessage());
        }
    }

    /** Whether a record belongs to the views as of this point. */
    boolean includes(ConsumerRecord<String, byte[]> record) {
        return point.includes(record.partition(), record.offset(), () -> {
            Header time = record.headers().lastHeader(EventHeaders.TIME);
            return time == null ? null : new String(time.value(), StandardCharsets.UTF_8);
        });
    }
}
