package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One event of an agreement's timeline: what, when, who (principal and country) and why (correlation, causation). */
public record HistoryEntry(long sequence, String eventId, String type, Instant occurredAt, String principal,
                           String country, String correlationId, String causationId, JsonNode payload) {
}
