package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class EventCacheUnlinkerTest {

    private static final int CACHED_EVENTS = 3;

    private final EmbeddedEventStore store = EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine())
            .cachedEvents(CACHED_EVENTS)
            .fetchDelay(10)
            .build();
    private final EventCacheUnlinker unlinker = new EventCacheUnlinker(store, Duration.ofMillis(20));

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void theAxonOnTheClasspathHasTheCacheTheUnlinkerCutsTheLinksOf() {
        assertThat(unlinker.supported())
                .as("an Axon upgrade changed EmbeddedEventStore's cache: EventCacheUnlinker must be revisited")
                .isTrue();
    }

    @Test
    void aProcessorTailingTheCacheReadsEveryEventOnceAndInOrderWhileDroppedEntriesAreUnlinked() throws Exception {
        TrackingEventStream processor = tailing(store.openStream(null));
        List<Object> read = new ArrayList<>();
        int unlinked = 0;
        for (int event = 0; event < 50; event++) {
            publish(event, 1);
            read.addAll(readAvailable(processor, 1));
            unlinked += unlinker.unlinkDropped();
        }

        assertThat(read).containsExactlyElementsOf(payloads(0, 50));
        assertThat(unlinked).as("entries dropped from a cache of %d and unlinked", CACHED_EVENTS).isGreaterThan(40);
        processor.close();
    }

    @Test
    void aProcessorLeftBehindByTheCacheStillReadsEveryEventOnceAndInOrder() throws Exception {
        TrackingEventStream leading = tailing(store.openStream(null));
        TrackingEventStream lagging = tailing(store.openStream(null));
        publish(0, 2);
        List<Object> readByLagging = new ArrayList<>(readAvailable(lagging, 1));
        List<Object> readByLeading = new ArrayList<>(readAvailable(leading, 2));
        int unlinked = 0;
        for (int event = 2; event < 32; event++) {
            publish(event, 1);
            readByLeading.addAll(readAvailable(leading, 1));
            unlinked += unlinker.unlinkDropped();
        }
        assertThat(unlinked).as("the entry the lagging processor is on was dropped and unlinked").isGreaterThan(20);

        readByLagging.addAll(readAvailable(lagging, 31));

        assertThat(readByLeading).containsExactlyElementsOf(payloads(0, 32));
        assertThat(readByLagging).containsExactlyElementsOf(payloads(0, 32));
        leading.close();
        lagging.close();
    }

    @Test
    void aProcessorReadingInsideTheCacheMissesNothingWhileTheEntriesBehindItAreUnlinked() throws Exception {
        TrackingEventStream leading = tailing(store.openStream(null));
        TrackingEventStream following = tailing(store.openStream(null));
        publish(0, 1);
        List<Object> readByLeading = new ArrayList<>(readAvailable(leading, 1));
        List<Object> readByFollowing = new ArrayList<>();
        for (int event = 1; event < 30; event++) {
            publish(event, 1);
            readByLeading.addAll(readAvailable(leading, 1));
            // one event behind the newest, still inside the cache of three
            readByFollowing.addAll(readAvailable(following, 1));
            unlinker.unlinkDropped();
        }
        readByFollowing.addAll(readAvailable(following, 1));

        assertThat(readByLeading).containsExactlyElementsOf(payloads(0, 30));
        assertThat(readByFollowing).containsExactlyElementsOf(payloads(0, 30));
        leading.close();
        following.close();
    }

    /** A stream that found nothing to read from the database follows the cache from then on, as a processor does. */
    private static TrackingEventStream tailing(TrackingEventStream stream) throws InterruptedException {
        assertThat(stream.hasNextAvailable(100, TimeUnit.MILLISECONDS)).isFalse();
        return stream;
    }

    private void publish(int from, int count) {
        List<EventMessage<?>> events = new ArrayList<>();
        IntStream.range(from, from + count).forEach(i -> events.add(GenericEventMessage.asEventMessage("event " + i)));
        store.publish(events);
    }

    private static List<Object> readAvailable(TrackingEventStream stream, int count)
            throws InterruptedException {
        List<Object> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertThat(stream.hasNextAvailable(5, TimeUnit.SECONDS)).as("event %d of %d available", i + 1, count).isTrue();
            read.add(stream.nextAvailable().getPayload());
        }
        return read;
    }

    private static List<Object> payloads(int from, int to) {
        return IntStream.range(from, to).<Object>mapToObj(i -> "event " + i).toList();
    }
}
