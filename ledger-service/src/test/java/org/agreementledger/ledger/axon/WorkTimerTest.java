package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A command or processor batch that runs too long is reported (once counted, warned about with its stack) and, at the
 * limit, interrupted so that its unit of work rolls back; quick work is left alone and leaves nothing behind.
 */
class WorkTimerTest {

    private final AtomicLong now = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WorkTimer timer = new WorkTimer(new WorkTimerProperties(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(60)), meters, now::get, Duration.ofHours(1));
    private final MessageHandlerInterceptor<Message<?>> commands = timer.of("commands");

    @AfterEach
    void stop() {
        timer.close();
    }

    @Test
    void aCommandRunningLongerThanTheWarningIsCountedOnceAndLeftToFinish() throws Exception {
        Object result = run(() -> {
            passes(Duration.ofSeconds(11));
            passes(Duration.ofSeconds(10));
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return "answered";
        });

        assertThat(result).isEqualTo("answered");
        assertThat(meters.counter("ledger.work.slow", "work", "commands").count()).isEqualTo(1);
        assertThat(meters.counter("ledger.work.interrupted", "work", "commands").count()).isZero();
    }

    @Test
    void aCommandStillRunningAtTheLimitIsInterruptedAndRolledBack() {
        assertThatThrownBy(() -> run(() -> {
            passes(Duration.ofSeconds(61));
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped by the work timer");
            }
            return "answered";
        })).isInstanceOf(InterruptedException.class);

        assertThat(meters.counter("ledger.work.interrupted", "work", "commands").count()).isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).as("the request thread goes on serving others").isFalse();
    }

    @Test
    void aQuickCommandIsNeitherReportedNorInterruptedLater() throws Exception {
        run(() -> {
            passes(Duration.ofSeconds(1));
            return "answered";
        });
        passes(Duration.ofMinutes(5));

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(meters.counter("ledger.work.slow", "work", "commands").count()).isZero();
        assertThat(meters.counter("ledger.work.interrupted", "work", "commands").count()).isZero();
    }

    @Test
    void aUnitOfWorkIsTimedOnceHoweverManyMessagesItHandles() throws Exception {
        DefaultUnitOfWork<Message<?>> batch = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("first"));
        commands.handle(batch, () -> "handled");
        commands.handle(batch, () -> {
            passes(Duration.ofSeconds(11));
            return "handled";
        });
        batch.commit();

        assertThat(meters.counter("ledger.work.slow", "work", "commands").count()).isEqualTo(1);
    }

    private Object run(java.util.concurrent.Callable<Object> work) throws Exception {
        DefaultUnitOfWork<Message<?>> unitOfWork = DefaultUnitOfWork.startAndGet(GenericEventMessage.asEventMessage("offer"));
        Object result;
        try {
            result = commands.handle(unitOfWork, work::call);
        } catch (Exception e) {
            unitOfWork.rollback(e);
            throw e;
        }
        unitOfWork.commit();
        return result;
    }

    /** Time passes for the work, and the timer looks at it, as its janitor thread does every 100 ms. */
    private void passes(Duration time) {
        now.addAndGet(time.toNanos());
        timer.check();
    }
}
