package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferRecorded;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.List;

/** {@link RecordedHeadcounts} read from the event store: the one event, not the agreement's history. */
@Component
class EventStoreHeadcounts implements RecordedHeadcounts {

    private final EventStore events;

    EventStoreHeadcounts(EventStore events) {
        this.events = events;
    }

    @Override
    public List<Headcount> of(AgreementId agreementId, long sequence) {
        DomainEventStream stream = events.readEvents(agreementId.value(), sequence);
        Object payload = stream.hasNext() ? stream.next().getPayload() : null;
        if (payload instanceof TransferRecorded recorded) {
            return recorded.headcounts();
        }
        if (payload instanceof TransferCorrected corrected) {
            return corrected.headcounts();
        }
        throw new IllegalStateException("Event " + sequence + " of agreement " + agreementId + " set no transfer's counts");
    }
}
