package org.agreementledger.ledger.audit;

import org.agreementledger.ledger.publication.PublisherProcessor;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * How far the publisher has had Kafka acknowledge the event store: whatever is signed (checkpoints, tree heads)
 * covers only events an auditor reading the topic can reach.
 */
@Component
class PublishedPosition {

    private final EventProcessingConfiguration processing;

    PublishedPosition(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    /** The publisher's token: every event at or below its index, except its gaps, is on the topic. */
    Optional<GapAwareTrackingToken> token() {
        return processing.eventProcessor(PublisherProcessor.NAME, TrackingEventProcessor.class)
                .flatMap(processor -> processor.processingStatus().values().stream()
                        .map(EventTrackerStatus::getTrackingToken)
                        .filter(GapAwareTrackingToken.class::isInstance)
                        .map(GapAwareTrackingToken.class::cast)
                        .findFirst());
    }
}
