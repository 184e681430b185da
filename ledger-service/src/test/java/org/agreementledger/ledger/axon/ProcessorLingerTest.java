package org.agreementledger.ledger.axon;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tracking processor waits a little after a small batch, so that under a trickle of commands it handles several
 * events per batch (one read, one token, one Kafka transaction) instead of one; never before an event after a quiet
 * spell, and never after a full batch.
 */
class ProcessorLingerTest {

    private static final int BATCH_SIZE = 50;

    private final EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine())
            .build();
    private final List<Handled> handled = Collections.synchronizedList(new ArrayList<>());
    private final List<TrackingEventProcessor> processors = new ArrayList<>();

    private record Handled(Object batch, long at) {
    }

    @AfterEach
    void shutDown() {
        processors.forEach(TrackingEventProcessor::shutDown);
        store.shutDown();
    }

    @Test
    void underATrickleOfCommandsEachProcessorHandlesSeveralEventsPerBatch() throws Exception {
        start(Duration.ofMillis(40), BATCH_SIZE);
        trickle(60, 4);
        awaitHandled(60);
        int lingering = batches();

        handled.clear();
        processors.forEach(TrackingEventProcessor::shutDown);
        start(Duration.ZERO, BATCH_SIZE);
        awaitHandled(60);
        handled.clear();
        trickle(60, 4);
        awaitHandled(60);
        int eager = batches();

        assertThat(lingering).as("batches for 60 events, 4 ms apart, lingering 40 ms (without: %d)", eager)
                .isLessThanOrEqualTo(20).isLessThan(eager / 2);
    }

    @Test
    void anEventAfterAQuietSpellIsHandledAtOnce() throws Exception {
        start(Duration.ofMillis(500), BATCH_SIZE);
        store.publish(GenericEventMessage.asEventMessage("first"));
        awaitHandled(1);
        Thread.sleep(700);
        long publishedAt = System.nanoTime();
        store.publish(GenericEventMessage.asEventMessage("after a quiet spell"));
        awaitHandled(2);
        assertThat(Duration.ofNanos(handled.get(1).at() - publishedAt)).as("from publication to the handler")
                .isLessThan(Duration.ofMillis(250));
    }

    @Test
    void aProcessorBehindReadsFullBatchesWithoutWaiting() throws Exception {
        for (int i = 0; i < 20; i++) {
            store.publish(GenericEventMessage.asEventMessage("backlog " + i));
        }
        long startedAt = System.nanoTime();
        start(Duration.ofMillis(500), 5);
        awaitHandled(20);
        assertThat(Duration.ofNanos(handled.get(19).at() - startedAt)).as("four full batches of five, one after another")
                .isLessThan(Duration.ofMillis(500));
    }

    private void start(Duration linger, int batchSize) {
        EventMessageHandler handler = event -> {
            handled.add(new Handled(CurrentUnitOfWork.get().root(), System.nanoTime()));
            return null;
        };
        TrackingEventProcessor processor = TrackingEventProcessor.builder()
                .name("linger-test")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(handler).build())
                .messageSource(store)
                .tokenStore(new InMemoryTokenStore())
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(batchSize))
                .build();
        processor.registerHandlerInterceptor(new ProcessorLinger(linger).of(batchSize));
        processors.add(processor);
        processor.start();
    }

    private void trickle(int events, long millisApart) throws InterruptedException {
        for (int i = 0; i < events; i++) {
            store.publish(GenericEventMessage.asEventMessage("event " + i));
            Thread.sleep(millisApart);
        }
    }

    private int batches() {
        Set<Object> batches = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (handled) {
            handled.forEach(event -> batches.add(event.batch()));
        }
        return batches.size();
    }

    private void awaitHandled(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (handled.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(handled).as("events handled").hasSizeGreaterThanOrEqualTo(count);
    }
}
