package org.agreementledger.ledger.axon;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.EventUpcasting;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Event shapes in the event store: each event is stored with its contract schema version as Axon's revision, and
 * read back through the contract's own {@link EventUpcasting}, the same function the projection and the auditor use.
 * (Events stored before revisions were written have none: they are version 1.)
 */
@Configuration
class EventSchemaVersions {

    @Bean
    RevisionResolver revisionResolver() {
        return type -> AgreementEvent.class.isAssignableFrom(type) ? Integer.toString(EventTypes.schemaVersionOf(type)) : null;
    }

    @Bean
    SingleEventUpcaster contractUpcaster() {
        return new ContractUpcaster();
    }

    /** Any agreement event stored in an older schema version than the contract's current one. */
    static final class ContractUpcaster extends SingleEventUpcaster {

        private static final String PACKAGE = AgreementEvent.class.getPackageName() + ".";

        @Override
        protected boolean canUpcast(IntermediateEventRepresentation representation) {
            String name = representation.getType().getName();
            if (!name.startsWith(PACKAGE)) {
                return false;
            }
            String type = name.substring(PACKAGE.length());
            return EventTypes.classOf(type).map(c -> storedVersion(representation) < EventTypes.schemaVersionOf(c)).orElse(false);
        }

        @Override
        protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
            String name = representation.getType().getName();
            String type = name.substring(PACKAGE.length());
            int from = storedVersion(representation);
            int to = EventTypes.classOf(type).map(EventTypes::schemaVersionOf).orElseThrow();
            return representation.upcastPayload(new SimpleSerializedType(name, Integer.toString(to)), JsonNode.class,
                    json -> EventUpcasting.toCurrent(type, from, json));
        }

        private static int storedVersion(IntermediateEventRepresentation representation) {
            String revision = representation.getType().getRevision();
            return revision == null ? 1 : Integer.parseInt(revision);
        }
    }
}
