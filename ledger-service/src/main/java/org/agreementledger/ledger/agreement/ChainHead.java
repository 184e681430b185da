package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.TimeOrderedIds;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.agreementledger.ledger.axon.ChainMetaData.EVENT_ID;
import static org.agreementledger.ledger.axon.ChainMetaData.EVENT_TIME;
import static org.agreementledger.ledger.axon.ChainMetaData.HASH;
import static org.agreementledger.ledger.axon.ChainMetaData.PREVIOUS_HASH;
import static org.agreementledger.ledger.axon.ChainMetaData.SCHEMA_VERSION;

/**
 * The head of an agreement's hash chain, part of the aggregate so that every event is sealed, when it is decided,
 * with the hash of the one before it. The seal (event id, time, previous hash, hash) travels in the event's
 * metadata into the event store, the source of truth; the publisher only copies it to the record headers.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class ChainHead {

    private long lastSequence = -1;
    private String lastHash;

    /** The sequence of the agreement's latest event: its version, which the ETag names. */
    long lastSequence() {
        return lastSequence;
    }

    /** The metadata that seals the next event of this agreement into its chain. */
    MetaData seal(AgreementEvent event) {
        String eventId = TimeOrderedIds.next().toString();
        // milliseconds: what every reader of ce_time can represent and parse back identically
        Instant time = GenericEventMessage.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        MetaData caller = CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().getCorrelationData() : MetaData.emptyInstance();
        EventEnvelope envelope = new EventEnvelope(eventId, EventTypes.nameOf(event.getClass()), event.agreementId(),
                lastSequence + 1, time, EventTypes.schemaVersionOf(event.getClass()),
                text(caller, RequestCorrelationDataProvider.CORRELATION_ID),
                text(caller, RequestCorrelationDataProvider.CAUSATION_ID),
                text(caller, RequestCorrelationDataProvider.PRINCIPAL),
                text(caller, RequestCorrelationDataProvider.COUNTRY),
                Optional.ofNullable(lastHash), Optional.empty());
        Map<String, Object> seal = new HashMap<>();
        seal.put(EVENT_ID, eventId);
        seal.put(EVENT_TIME, time.toString());
        seal.put(SCHEMA_VERSION, Integer.toString(envelope.schemaVersion()));
        seal.put(HASH, EventChain.hashOf(envelope, LedgerJson.mapper().valueToTree(event)));
        if (lastHash != null) {
            seal.put(PREVIOUS_HASH, lastHash);
        }
        return MetaData.from(seal);
    }

    @EventSourcingHandler
    void on(AgreementEvent event, @SequenceNumber long sequence, @MetaDataValue(HASH) String hash) {
        lastSequence = sequence;
        lastHash = hash;
    }

    private static Optional<String> text(MetaData metaData, String key) {
        return Optional.ofNullable(metaData.get(key)).map(Object::toString);
    }
}
