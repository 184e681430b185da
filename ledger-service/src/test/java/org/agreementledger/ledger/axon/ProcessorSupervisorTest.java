package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.ledger.support.SteppedClock;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees, and what happens, when one of the ledger's processors stops: a real Axon tracking processor
 * over an in-memory event store, its handler failing as the ledger's did when it ran out of memory.
 */
class ProcessorSupervisorTest {

    private static final Duration RESTART_AFTER = Duration.ofSeconds(10);

    private final EmbeddedEventStore events = EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()).build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SteppedClock clock = new SteppedClock();
    private final List<Object> handled = new CopyOnWriteArrayList<>();
    private TrackingEventProcessor processor;
    private ProcessorSupervisor supervisor;

    @AfterEach
    void stop() {
        processor.shutDown();
        events.shutDown();
    }

    @Test
    void aProcessorWhoseLoopEndedOnAnErrorIsDownThenStartedAgainAndSkipsNothing() {
        supervise(failingOnceOn("second", new OutOfMemoryError("Java heap space")));
        publish("first", "second", "third");

        eventually().until(processor::isError);
        supervisor.check();
        Health paused = supervisor.health();
        assertThat(paused.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(paused)).containsEntry("state", "paused in error").containsKey("nextStartAt")
                .containsEntry("lastFailure", "java.lang.OutOfMemoryError: Java heap space");
        assertThat(meters.get("ledger.processor.stopped").tag("processor", "publisher").gauge().value()).isEqualTo(1);

        clock.advance(RESTART_AFTER.minusSeconds(1));
        supervisor.check();
        assertThat(processor.isError()).as("not before its wait is over").isTrue();

        clock.advance(Duration.ofSeconds(1));
        supervisor.check();
        eventually().until(() -> handled.equals(List.of("first", "second", "third")));
        supervisor.check();
        Health running = supervisor.health();
        assertThat(running.getStatus()).isEqualTo(Status.UP);
        assertThat(detail(running)).containsEntry("state", "running").containsEntry("restarts", 1L);
        assertThat(meters.get("ledger.processor.restarts").tag("processor", "publisher").counter().count()).isEqualTo(1);
        assertThat(meters.get("ledger.processor.stopped").tag("processor", "publisher").gauge().value()).isZero();
    }

    @Test
    void aProcessorThatKeepsFailingOnTheSameEventIsDownAfterThirtySecondsAndStillUpBefore() {
        supervise(event -> {
            throw new IllegalStateException("the database refuses this statement");
        });
        publish("first");

        eventually().until(() -> processor.processingStatus().values().stream()
                .anyMatch(status -> status.isErrorState()));
        supervisor.check();
        Health retrying = supervisor.health();
        assertThat(retrying.getStatus()).as("one failed batch is not yet an outage").isEqualTo(Status.UP);
        assertThat(detail(retrying)).containsEntry("state", "retrying a failed batch")
                .containsEntry("lastFailure", "java.lang.IllegalStateException: the database refuses this statement");

        clock.advance(Duration.ofSeconds(30));
        supervisor.check();
        assertThat(supervisor.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(processor.isError()).as("a failing batch is Axon's to retry, not a restart").isFalse();
    }

    @Test
    void aRestartThatDoesNotHoldWaitsTwiceAsLongBeforeTheNext() {
        supervise(event -> {
            throw new StackOverflowError();
        });
        publish("first");

        eventually().until(processor::isError);
        supervisor.check();
        clock.advance(RESTART_AFTER);
        supervisor.check();
        eventually().until(processor::isError);
        supervisor.check();
        assertThat(detail(supervisor.health())).containsEntry("nextStartAt",
                clock.instant().plus(RESTART_AFTER.multipliedBy(2)).toString());
    }

    private void supervise(EventMessageHandler handler) {
        processor = TrackingEventProcessor.builder().name("publisher")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(handler)
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance()).build())
                .messageSource(events).tokenStore(new InMemoryTokenStore())
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andTokenClaimInterval(100, TimeUnit.MILLISECONDS))
                .build();
        supervisor = new ProcessorSupervisor(() -> Map.<String, EventProcessor>of("publisher", processor),
                new ProcessorSupervisionProperties(RESTART_AFTER, Duration.ofMinutes(5), Duration.ofSeconds(30)),
                clock, meters);
        processor.registerHandlerInterceptor(supervisor.failuresOf("publisher"));
        processor.start();
    }

    private EventMessageHandler failingOnceOn(String payload, Error error) {
        Predicate<Object> first = new Predicate<>() {
            private boolean failed;

            @Override
            public synchronized boolean test(Object candidate) {
                if (failed || !candidate.equals(payload)) {
                    return false;
                }
                failed = true;
                return true;
            }
        };
        return event -> {
            if (first.test(event.getPayload())) {
                throw error;
            }
            handled.add(event.getPayload());
            return null;
        };
    }

    /** Axon's worker thread ends on the handler's error by design: that is not this test failing. */
    private static ConditionFactory eventually() {
        return await().dontCatchUncaughtExceptions().atMost(10, TimeUnit.SECONDS);
    }

    private void publish(String... payloads) {
        for (String payload : payloads) {
            events.publish(GenericEventMessage.<Object>asEventMessage(payload));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health) {
        return (Map<String, Object>) health.getDetails().get("publisher");
    }
}
