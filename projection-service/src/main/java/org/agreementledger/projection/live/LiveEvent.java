package org.agreementledger.projection.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import org.agreementledger.projection.consumer.FeedItem;

import java.util.List;

/**
 * One applied event as the live streams send it and {@code GET /live/recent} lists it. Absent values are sent as
 * null, not left out: a subscriber sees every field of every event. The payload is sent as recorded, never parsed:
 * the renders of all subscribers run one at a time, and an event at the contract's bounds (~160 KiB) was parsed into a
 * tree, and written out again, once for each of them.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(description = "An applied event, as the live streams send it")
record LiveEvent(
        @Schema(description = "Position in the feed; pass the newest as ?after= (or Last-Event-ID) to resume after it", example = "412")
        long feedId,
        @Schema(example = "4e7d2a91-6c3b-4f58-9a0e-1b2c3d4e5f60") String agreementId,
        @Schema(description = "The event's sequence number within its agreement", example = "3") long sequence,
        @Schema(example = "TransferRecorded") String type,
        @Schema(example = "2025-03-10T14:05:00Z") String occurredAt,
        @Schema(description = "Who recorded it; null for events without a request behind them", example = "integration-service-us")
        String principal,
        @Schema(description = "The country it acted for", example = "US") String country,
        @Schema(description = "The agreement's parties", example = "[\"US\", \"GT\"]") List<String> parties,
        @JsonRawValue @Schema(description = "The event itself, as recorded (docs/events.md)", implementation = JsonNode.class)
        String payload) {

    static LiveEvent of(FeedItem item) {
        return new LiveEvent(item.feedId(), item.agreementId(), item.sequence(), item.type(), item.occurredAt().toString(),
                item.principal(), item.country(), item.parties(), item.payload());
    }
}
