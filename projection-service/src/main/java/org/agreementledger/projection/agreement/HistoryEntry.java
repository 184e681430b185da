package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/**
 * One event of an agreement's timeline: what, when, who (principal and country) and why (correlation, causation). The
 * payload is sent as stored, never parsed.
 */
public record HistoryEntry(long sequence, String eventId, String type, Instant occurredAt, String principal,
                           String country, String correlationId, String causationId,
                           @JsonRawValue @Schema(implementation = JsonNode.class) String payload) {
}
