package org.agreementledger.projection.consumer;

import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventEnvelope;

import java.nio.charset.StandardCharsets;

/**
 * One event, in order, not seen before: what every projector is handed.
 *
 * @param payload the event's JSON as the ledger published it, UTF-8: the timeline stores these bytes as they came
 */
public record AppliedEvent(EventEnvelope envelope, AgreementEvent event, byte[] payload, int partition, long offset) {

    /** The payload as text, for the live feed. */
    public String payloadJson() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
