package org.agreementledger.projection.consumer;

import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventEnvelope;

/** One event, in order, not seen before: what every projector is handed. */
public record AppliedEvent(EventEnvelope envelope, AgreementEvent event, String payloadJson,
                           int partition, long offset) {
}
