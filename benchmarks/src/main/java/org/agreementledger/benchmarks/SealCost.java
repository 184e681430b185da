package org.agreementledger.benchmarks;

import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.EventChain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * What sealing an event into its chain costs the ledger per append, measured alone: exactly the work the aggregate
 * adds (envelope, the event as a JSON tree, RFC 8785 canonical form, SHA-256), on the sample offer.
 */
final class SealCost {

    record Result(int events, double microsPerEvent) {
    }

    private SealCost() {
    }

    static Result measure(int events) {
        String agreementId = UUID.randomUUID().toString();
        AgreementEvent offer = LedgerJson.read("AgreementOffered", SampleEvent.offeredEvent(agreementId));
        String previous = null;
        for (int i = 0; i < events; i++) {
            previous = seal(offer, agreementId, i, previous);
        }
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            previous = seal(offer, agreementId, i, previous);
        }
        double micros = (System.nanoTime() - start) / 1e3 / events;
        return new Result(events, micros);
    }

    private static String seal(AgreementEvent event, String agreementId, long sequence, String previous) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementOffered", AgreementId.of(agreementId),
                sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS), 1, Optional.of("bench"), Optional.of("bench"),
                Optional.of("integration-service-sv"), Optional.of("SV"), Optional.ofNullable(previous), Optional.empty());
        return EventChain.hashOf(envelope, LedgerJson.mapper().valueToTree(event));
    }
}
