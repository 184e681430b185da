package org.agreementledger.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Brings an event's JSON from the schema version it was recorded in to the current one. The ledger's Axon upcaster,
 * the projection and the auditor all read old events through this one function, so they cannot disagree; the
 * recorded bytes themselves never change (their hashes depend on them).
 *
 * <p>History of shapes:
 * <ul>
 *   <li>{@code TransferRecorded}, {@code TransferCorrected} v1 → v2: each headcount gains {@code ageGroup};
 *       counts recorded before it existed read as {@code NOT_RECORDED}.</li>
 * </ul>
 */
public final class EventUpcasting {

    private EventUpcasting() {
    }

    /** @throws IllegalArgumentException when the version is newer than this reader knows */
    public static JsonNode toCurrent(String type, int schemaVersion, JsonNode json) {
        return needsUpcasting(type, schemaVersion) ? headcountsGainAgeGroup(json) : json;
    }

    /**
     * Reads an event of any known schema version as the current record. One already in the current shape is bound
     * straight from its bytes, without the intermediate tree an upcast works on (a replay reads millions).
     */
    public static AgreementEvent read(String type, int schemaVersion, byte[] json) {
        Class<? extends AgreementEvent> eventClass = EventTypes.classOf(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + type + "'"));
        try {
            return needsUpcasting(type, schemaVersion)
                    ? LedgerJson.mapper().treeToValue(headcountsGainAgeGroup(LedgerJson.mapper().readTree(json)), eventClass)
                    : LedgerJson.mapper().readValue(json, eventClass);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + type + " event", e);
        }
    }

    private static boolean needsUpcasting(String type, int schemaVersion) {
        int current = EventTypes.classOf(type).map(EventTypes::schemaVersionOf).orElse(1);
        if (schemaVersion > current) {
            throw new IllegalArgumentException(type + " version " + schemaVersion + " is newer than this reader's "
                    + current + "; upgrade the reader");
        }
        return schemaVersion < 2 && ("TransferRecorded".equals(type) || "TransferCorrected".equals(type));
    }

    private static JsonNode headcountsGainAgeGroup(JsonNode json) {
        ObjectNode copy = json.deepCopy();
        for (JsonNode headcount : copy.path("headcounts")) {
            if (headcount instanceof ObjectNode line && !line.hasNonNull("ageGroup")) {
                line.put("ageGroup", AgeGroup.NOT_RECORDED.name());
            }
        }
        return copy;
    }
}
