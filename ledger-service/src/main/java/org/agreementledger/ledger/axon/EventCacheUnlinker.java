package org.agreementledger.ledger.axon;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Unlinks the entries that Axon's event cache has dropped. The cache the tracking processors read from
 * ({@link EmbeddedEventStore}) is a linked list whose trimmed entries keep their link to the next one. Once an entry
 * has reached the old generation (after a full collection every live one has), that dead entry keeps its successor
 * alive through every young collection until it is old enough to be promoted too, and so on down the list: every
 * event the ledger appends passed through the old generation, about 1.3 MB/s at 550 offers/s, a full collection
 * every 4-8 s (docs/benchmarks.md, run Z14). Cutting a dropped entry's link lets the entries behind it die young.
 * <p>
 * A processor still reading a dropped entry is not affected: Axon moves a processor whose entry is older than the
 * cache's oldest to a stream of its own from the database, from its token. It reaches Axon's private fields by
 * reflection; with an Axon whose cache is built otherwise it logs a warning and does nothing
 * ({@code EventCacheUnlinkerTest} fails on such an upgrade).
 */
final class EventCacheUnlinker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventCacheUnlinker.class);
    private static final String NODE = EmbeddedEventStore.class.getName() + "$Node";

    /** Axon's private fields of the cache; null if this Axon does not have them. */
    record CacheFields(Field oldest, Field next, Field index) {

        static CacheFields of() {
            try {
                Field oldest = EmbeddedEventStore.class.getDeclaredField("oldest");
                Class<?> node = Class.forName(NODE, false, EmbeddedEventStore.class.getClassLoader());
                Field next = node.getDeclaredField("next");
                Field index = node.getDeclaredField("index");
                if (oldest.getType() != node || next.getType() != node || index.getType() != long.class) {
                    return null;
                }
                oldest.setAccessible(true);
                next.setAccessible(true);
                index.setAccessible(true);
                return new CacheFields(oldest, next, index);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    private final EmbeddedEventStore store;
    private final Duration period;
    private final CacheFields fields = CacheFields.of();
    private ScheduledExecutorService executor;
    /** The cache's oldest entry when last looked at: where the next walk over dropped entries starts. */
    private Object lastOldest;

    EventCacheUnlinker(EmbeddedEventStore store, Duration period) {
        this.store = store;
        this.period = period;
    }

    boolean supported() {
        return fields != null;
    }

    /** Cuts the links of the entries dropped since the last call; returns how many. */
    synchronized int unlinkDropped() {
        if (fields == null) {
            return 0;
        }
        try {
            Object oldest = fields.oldest().get(store);
            if (oldest == null) {
                return 0;
            }
            long oldestIndex = fields.index().getLong(oldest);
            int unlinked = 0;
            Object entry = lastOldest;
            while (entry != null && entry != oldest && fields.index().getLong(entry) < oldestIndex) {
                Object following = fields.next().get(entry);
                fields.next().set(entry, null);
                unlinked++;
                entry = following;
            }
            lastOldest = oldest;
            return unlinked;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void start() {
        if (fields == null) {
            log.warn("Axon's event cache is not built as this ledger expects; its dropped entries are not unlinked, and"
                    + " every event may pass through the old generation");
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "event-cache-unlinker");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                unlinkDropped();
            } catch (RuntimeException e) {
                log.warn("Unlinking the event cache's dropped entries failed", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
