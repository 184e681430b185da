package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * Axon's embedded event store, which also wakes, on every commit, the processors reading the database rather than
 * its cache. A processor that falls more than the cache's length behind (a burst) reads a stream of its own from the
 * database, and goes back to the cache once caught up, if it finds its last event there. But Axon fills the cache only
 * while some processor follows it: once none does, none finds its event in it again, and each waits to be told of new
 * events by the cache, which is no longer read, until its poll times out a second later (Axon issue 1193 describes the
 * same search failing on gaps in the tracking tokens). While the ledger was quiet after a burst, every event then
 * reached Kafka about a second after its command (docs/benchmarks.md, run Z18: 981 ms at p50). Woken by the commit, as
 * Axon wakes the cache's own reader, they read the event at once. The signal is Axon's private one, reached by
 * reflection; with an Axon built otherwise this logs a warning and the processors wait as before
 * ({@code CommitWakingEventStoreTest} fails on such an upgrade).
 * <p>
 * With group commit the readers are woken once per batch, by the committer, not once by each command of the batch,
 * each of whose wakes had Axon's reader query the database again (docs/benchmarks.md, run Z34).
 */
final class CommitWakingEventStore extends EmbeddedEventStore {

    private static final Logger log = LoggerFactory.getLogger(CommitWakingEventStore.class);

    private final Lock lock;
    private final Condition readable;
    private volatile boolean wokenByTheCommitter;

    CommitWakingEventStore(Builder builder) {
        super(builder);
        Lock foundLock = null;
        Condition foundCondition = null;
        try {
            Lock consumerLock = (Lock) field("consumerLock").get(this);
            Condition consumable = (Condition) field("consumableEventsCondition").get(this);
            foundLock = consumerLock;
            foundCondition = consumable;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Axon's event store is not built as this ledger expects; processors that fell behind its cache may"
                    + " see each event up to a second late while the ledger is quiet ({})", e.toString());
        }
        this.lock = foundLock;
        this.readable = foundCondition;
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = EmbeddedEventStore.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    boolean wakesProcessors() {
        return readable != null;
    }

    /** From now on the readers are woken only by the returned action, which the group commit runs after each commit. */
    Runnable wakerForEachCommit() {
        wokenByTheCommitter = true;
        return this::wake;
    }

    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        if (!wokenByTheCommitter) {
            wake();
        }
    }

    private void wake() {
        super.afterCommit(List.of());
        if (readable != null) {
            lock.lock();
            try {
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
