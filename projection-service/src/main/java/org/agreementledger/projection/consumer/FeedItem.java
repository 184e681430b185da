package org.agreementledger.projection.consumer;

import java.time.Instant;
import java.util.List;

/** One applied event as live subscribers see it; {@code feedId} orders all events as they were applied. */
public record FeedItem(long feedId, String agreementId, long sequence, String type, Instant occurredAt,
                       String principal, String country, List<String> parties, String payload) {
}
