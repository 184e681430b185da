package org.agreementledger.ledger.axon;

import org.axonframework.common.caching.Cache;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.util.Objects;

/**
 * Axon's caching repository, trusting a cached aggregate only while it is as far as the event store: another ledger
 * instance, or an operator, may have appended to it since. Axon evicts an aggregate when a command on it rolls back,
 * which catches a command that appends on a stale state (its sequence is taken); but a command that a stale state
 * refuses appends nothing, and would be refused wrongly (an unknown transfer, a status it has left). One indexed query
 * per command (the agreement's last sequence) against loading its latest snapshot, whose size grows with its
 * transfers.
 */
public final class FreshCachingRepository<T> extends CachingEventSourcingRepository<T> {

    private final EventStore eventStore;
    private final Cache cache;

    /** The repository the builder describes, with {@code cache} and this check; the builder's own store and cache are replaced. */
    public FreshCachingRepository(EventSourcingRepository.Builder<T> builder, EventStore eventStore, Cache cache) {
        super(builder.eventStore(eventStore).cache(cache));
        this.eventStore = eventStore;
        this.cache = cache;
    }

    @Override
    protected EventSourcedAggregate<T> doLoadWithLock(String aggregateIdentifier, Long expectedVersion) {
        EventSourcedAggregate<T> loaded = super.doLoadWithLock(aggregateIdentifier, expectedVersion);
        Long stored = eventStore.lastSequenceNumberFor(aggregateIdentifier).orElse(null);
        if (Objects.equals(loaded.version(), stored)) {
            return loaded;
        }
        cache.remove(aggregateIdentifier);
        return super.doLoadWithLock(aggregateIdentifier, expectedVersion);
    }
}
