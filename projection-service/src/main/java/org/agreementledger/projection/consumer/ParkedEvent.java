package org.agreementledger.projection.consumer;

import java.time.Instant;

/**
 * A record the projection could not apply ({@code FAILED}), or a later event of an agreement held behind one
 * ({@code HELD}). {@code agreementId}, {@code sequence} and {@code type} are null when the record's envelope could
 * not be read.
 */
public record ParkedEvent(String topic, int partition, long offset, String agreementId, Long sequence, String type,
                          ParkedEvents.Reason reason, String error, Instant parkedAt) {
}
