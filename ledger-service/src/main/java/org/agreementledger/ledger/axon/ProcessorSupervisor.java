package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps the ledger's event processors going, and says when they are not. A handler that throws an {@link Error} (a
 * stack overflow; out of memory in a JVM not started with {@code -XX:+ExitOnOutOfMemoryError}) ends Axon's loop: the processor is "paused in error" and Axon never starts it
 * again, so publication stopped for good while the ledger went on accepting commands and its health said UP. Here such
 * a processor is started again (from its token: nothing is skipped) after a wait that doubles while restarts do not
 * hold, and the health is DOWN meanwhile; so it is while a processor has failed batch after batch for
 * {@code down-after-failing}. Checked every second by {@link #check()}.
 */
class ProcessorSupervisor implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ProcessorSupervisor.class);

    private final Supplier<Map<String, EventProcessor>> processors;
    private final ProcessorSupervisionProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();

    ProcessorSupervisor(Supplier<Map<String, EventProcessor>> processors, ProcessorSupervisionProperties properties,
                        Clock clock, MeterRegistry meters) {
        this.processors = processors;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /** What one processor was last found doing; written by the checking thread only. */
    private final class Watch {
        private final Counter restarts;
        private volatile Instant pausedSince;
        private volatile Instant nextStart;
        private volatile Duration wait = properties.restartAfter();
        private volatile Instant runningSince;
        private volatile Instant failingSince;
        private volatile Failure lastFailure;

        private Watch(String processor) {
            restarts = Counter.builder("ledger.processor.restarts").tag("processor", processor)
                    .description("Times a processor paused in error (its loop ended on an Error) was started again")
                    .register(meters);
            Gauge.builder("ledger.processor.stopped", this, watch -> watch.pausedSince == null ? 0 : 1)
                    .tag("processor", processor)
                    .description("1 while the processor is paused in error and waits to be started again")
                    .register(meters);
        }
    }

    private record Failure(String cause, Instant at) {
    }

    /**
     * Counts each event the processor fails on ({@code ledger.processor.failures}: a count that keeps rising is a
     * processor stuck on one event) and keeps the last failure, whatever it was, for the health's details.
     */
    MessageHandlerInterceptor<EventMessage<?>> failuresOf(String processor) {
        Counter failures = Counter.builder("ledger.processor.failures").tag("processor", processor)
                .description("Events an event processor failed on, each retried from its token").register(meters);
        return (unitOfWork, chain) -> {
            try {
                return chain.proceed();
            } catch (Exception | Error e) {
                failures.increment();
                failed(processor, e);
                throw e;
            }
        };
    }

    private void failed(String processor, Throwable cause) {
        watch(processor).lastFailure = new Failure(cause.getClass().getName() + ": " + cause.getMessage(), clock.instant());
    }

    @Scheduled(fixedDelay = 1_000, initialDelay = 1_000)
    void check() {
        Instant now = clock.instant();
        processors.get().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                check(name, streaming, watch(name), now);
            }
        });
    }

    private void check(String name, StreamingEventProcessor processor, Watch watch, Instant now) {
        if (processor.isError()) {
            watch.runningSince = null;
            watch.failingSince = null;
            if (watch.pausedSince == null) {
                watch.pausedSince = now;
                watch.nextStart = now.plus(watch.wait);
                log.error("Event processor {} is paused in error: its processing loop ended on an uncaught error (logged"
                        + " above by Axon). Starting it again at {}", name, watch.nextStart);
            } else if (!now.isBefore(watch.nextStart)) {
                start(name, processor, watch, now);
            }
            return;
        }
        if (!processor.isRunning()) {
            watch.runningSince = null;
            return;
        }
        if (watch.runningSince == null) {
            watch.runningSince = now;
        } else if (Duration.between(watch.runningSince, now).compareTo(watch.wait) >= 0) {
            // it has held for as long as it waited: the next restart, if any, waits the shortest time again
            watch.wait = properties.restartAfter();
        }
        Optional<EventTrackerStatus> failing = processor.processingStatus().values().stream()
                .filter(EventTrackerStatus::isErrorState).findFirst();
        if (failing.isEmpty()) {
            watch.failingSince = null;
        } else if (watch.failingSince == null) {
            // recorded when first seen, not at every check: lastFailureAt says when it failed, not when it was looked at
            // (the interceptor records each failure of a handler as it happens; this catches those outside handlers)
            watch.failingSince = now;
            Throwable cause = failing.get().getError();
            if (cause != null) {
                failed(name, cause);
            }
        }
    }

    private void start(String name, StreamingEventProcessor processor, Watch watch, Instant now) {
        try {
            processor.start();
        } catch (RuntimeException e) {
            // its last thread has not finished yet: next time
            log.warn("Event processor {} could not be started again yet: {}", name, e.toString());
            return;
        }
        watch.restarts.increment();
        watch.pausedSince = null;
        watch.runningSince = now;
        watch.wait = atMost(watch.wait.multipliedBy(2), properties.maxRestartAfter());
        log.warn("Event processor {} started again from its token after it was paused in error", name);
    }

    private static Duration atMost(Duration wait, Duration limit) {
        return wait.compareTo(limit) > 0 ? limit : wait;
    }

    private Watch watch(String processor) {
        return watches.computeIfAbsent(processor, Watch::new);
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        boolean down = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, EventProcessor> entry : new TreeMap<>(processors.get()).entrySet()) {
            if (!(entry.getValue() instanceof StreamingEventProcessor processor)) {
                continue;
            }
            Watch watch = watch(entry.getKey());
            Map<String, Object> detail = new LinkedHashMap<>();
            Instant paused = watch.pausedSince;
            Instant failing = watch.failingSince;
            if (processor.isError() || paused != null) {
                down = true;
                detail.put("state", "paused in error");
                if (paused != null) {
                    detail.put("since", paused.toString());
                    detail.put("nextStartAt", watch.nextStart.toString());
                }
            } else if (!processor.isRunning()) {
                detail.put("state", "stopped");
            } else if (failing != null) {
                Duration failingFor = Duration.between(failing, now);
                down |= failingFor.compareTo(properties.downAfterFailing()) >= 0;
                detail.put("state", "retrying a failed batch");
                detail.put("since", failing.toString());
            } else {
                detail.put("state", "running");
            }
            detail.put("restarts", (long) watch.restarts.count());
            Failure last = watch.lastFailure;
            if (last != null) {
                detail.put("lastFailure", last.cause());
                detail.put("lastFailureAt", last.at().toString());
            }
            details.put(entry.getKey(), detail);
        }
        return (down ? Health.down() : Health.up()).withDetails(details).build();
    }
}
