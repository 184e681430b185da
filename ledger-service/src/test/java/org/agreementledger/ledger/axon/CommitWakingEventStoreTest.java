package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a burst, the publisher reads the next event as soon as it is committed, even when it fell off Axon's cache of
 * recent events and no processor follows that cache any more; with group commit, each batch wakes the readers once.
 */
class CommitWakingEventStoreTest {

    private final CommitWakingEventStore store = new CommitWakingEventStore(EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine())
            .cachedEvents(3)
            .fetchDelay(10));

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void theAxonOnTheClasspathHasTheSignalTheStoreWakesProcessorsWith() {
        assertThat(store.wakesProcessors())
                .as("an Axon upgrade changed EmbeddedEventStore: CommitWakingEventStore must be revisited").isTrue();
    }

    @Test
    void aProcessorThatFellOffTheCacheReadsTheNextEventAsSoonAsItIsCommittedWhileNoProcessorFollowsTheCache()
            throws Exception {
        // the cache's only follower reads three events, then stops following it
        TrackingEventStream follower = store.openStream(null);
        assertThat(follower.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();
        for (int i = 0; i < 3; i++) {
            publish(i);
            read(follower);
        }
        follower.close();
        // a processor left behind reads those and three more from the database, and finds nothing newer
        for (int i = 3; i < 6; i++) {
            publish(i);
        }
        TrackingEventStream publisher = store.openStream(null);
        for (int i = 0; i < 6; i++) {
            read(publisher);
        }
        assertThat(publisher.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();

        // the next event, committed while the processor waits as Axon's processors do, a second at a time
        long[] committedAt = new long[1];
        CompletableFuture<Void> committed = CompletableFuture.runAsync(() -> {
            sleep(200);
            committedAt[0] = System.nanoTime();
            publish(6);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!publisher.hasNextAvailable(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            // Axon's processors poll again after each second without events
        }
        long readAfter = System.nanoTime();
        committed.join();
        assertThat(publisher.nextAvailable().getPayload()).isEqualTo("event 6");
        assertThat(TimeUnit.NANOSECONDS.toMillis(readAfter - committedAt[0])).as("ms from commit to the processor")
                .isLessThan(300);
        publisher.close();
    }

    @Test
    void withGroupCommitTheReadersAreWokenOnceForABatchNotOnceForEachOfItsCommands() throws Exception {
        CountingReads engine = new CountingReads();
        CommitWakingEventStore batched = new CommitWakingEventStore(EmbeddedEventStore.builder()
                .storageEngine(engine).cachedEvents(100).fetchDelay(10_000));
        try {
            Runnable committed = batched.wakerForEachCommit();
            TrackingEventStream processor = batched.openStream(null);
            assertThat(processor.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();
            int readsBefore = engine.reads.get();

            // eight commands of one batch each end their unit of work, which woke the readers every time before
            for (int i = 0; i < 8; i++) {
                batched.publish(GenericEventMessage.asEventMessage("event " + i));
            }
            assertThat(processor.hasNextAvailable(300, TimeUnit.MILLISECONDS)).as("woken by a command").isFalse();
            committed.run();
            for (int i = 0; i < 8; i++) {
                assertThat(processor.hasNextAvailable(2, TimeUnit.SECONDS)).as("event %d read after the commit", i).isTrue();
                assertThat(processor.nextAvailable().getPayload()).isEqualTo("event " + i);
            }
            assertThat(engine.reads.get() - readsBefore).as("reads of the store for the batch").isLessThanOrEqualTo(2);
            processor.close();
        } finally {
            batched.shutDown();
        }
    }

    /** Counts the event store's reads from a position on, as Axon's reader makes them. */
    private static final class CountingReads extends InMemoryEventStorageEngine {

        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
            reads.incrementAndGet();
            return super.readEvents(trackingToken, mayBlock);
        }
    }

    private void publish(int event) {
        EventMessage<?> message = GenericEventMessage.asEventMessage("event " + event);
        store.publish(message);
    }

    private static void read(TrackingEventStream stream) throws InterruptedException {
        assertThat(stream.hasNextAvailable(5, TimeUnit.SECONDS)).isTrue();
        stream.nextAvailable();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
