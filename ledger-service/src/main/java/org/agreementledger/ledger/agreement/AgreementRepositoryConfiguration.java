package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.axon.FreshCachingRepository;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.Repository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Agreements are loaded from a cache checked against the event store, snapshotted every hundred events. */
@Configuration
class AgreementRepositoryConfiguration {

    @Bean
    Repository<Agreement> agreementRepository(EventStore eventStore, Cache agreementCache,
                                              SnapshotTriggerDefinition agreementSnapshotTrigger,
                                              org.axonframework.config.Configuration axon) {
        return new FreshCachingRepository<>(EventSourcingRepository.builder(Agreement.class)
                .snapshotTriggerDefinition(agreementSnapshotTrigger)
                .parameterResolverFactory(axon.parameterResolverFactory())
                .handlerDefinition(axon.handlerDefinition(Agreement.class)), eventStore, agreementCache);
    }
}
