package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The ledger's own record of an agreement: every event appended for it, in order. */
@Schema(description = "Every event recorded for an agreement, in sequence")
record AgreementRecord(String agreementId, long version, List<RecordedEvent> events) {

    record RecordedEvent(long sequence, String eventId, String type, Instant timestamp,
                         Map<String, Object> metaData, JsonNode payload) {
    }
}
