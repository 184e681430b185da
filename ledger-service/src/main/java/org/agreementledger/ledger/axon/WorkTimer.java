package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Times each command's and each processor batch's unit of work once: a WARN with the thread's stack when it has run
 * longer than the warning threshold and again every interval, and an interrupt (which rolls the unit of work back)
 * at the limit — what Axon's {@code UnitOfWorkTimeoutInterceptor} does. Axon's walks the whole stack of the thread as
 * every unit of work starts, to name a caller in a warning that almost never comes: 6 % of the ledger's CPU per keyed
 * REST command (docs/benchmarks.md, run Q). This one reads a stack only when it warns.
 */
@Component
final class WorkTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkTimer.class);
    private static final String RESOURCE = WorkTimer.class.getName();

    private final WorkTimerProperties limits;
    private final LongSupplier nanoTime;
    private final MeterRegistry meters;
    private final Set<Work> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService janitor;

    @Autowired
    WorkTimer(WorkTimerProperties limits, MeterRegistry meters) {
        this(limits, meters, System::nanoTime, Duration.ofMillis(100));
    }

    WorkTimer(WorkTimerProperties limits, MeterRegistry meters, LongSupplier nanoTime, Duration checkEvery) {
        this.limits = limits;
        this.meters = meters;
        this.nanoTime = nanoTime;
        this.janitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "work-timer");
            thread.setDaemon(true);
            return thread;
        });
        janitor.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Axon's own timer is off ({@code axon.timeout.enabled: false}); this one times the same units of work. */
    @Autowired
    void registerWith(CommandBus commands, EventProcessingConfigurer processing) {
        commands.registerHandlerInterceptor(of("commands"));
        processing.registerDefaultHandlerInterceptor((configuration, processor) -> of("event processor " + processor));
    }

    /** The interceptor for one kind of work ({@code commands}, {@code event processor kafka-publisher}, …). */
    MessageHandlerInterceptor<Message<?>> of(String work) {
        Counter slow = Counter.builder("ledger.work.slow").tag("work", work)
                .description("Units of work that ran longer than ledger.work-timer.warning").register(meters);
        Counter interrupted = Counter.builder("ledger.work.interrupted").tag("work", work)
                .description("Units of work interrupted at ledger.work-timer.limit (rolled back)").register(meters);
        return (unitOfWork, chain) -> time(unitOfWork, chain, work, slow, interrupted);
    }

    private Object time(UnitOfWork<? extends Message<?>> unitOfWork, InterceptorChain chain, String name, Counter slow,
                        Counter interrupted) throws Exception {
        UnitOfWork<?> root = unitOfWork.root();
        if (!root.resources().containsKey(RESOURCE)) {
            Work work = new Work(name, Thread.currentThread(), nanoTime.getAsLong(), slow, interrupted);
            root.resources().put(RESOURCE, work);
            running.add(work);
            root.afterCommit(u -> finish(work));
            root.onRollback(u -> finish(work));
        }
        return chain.proceed();
    }

    /** Runs on the thread that did the work; an interrupt that came too late to matter is not left behind. */
    private void finish(Work work) {
        running.remove(work);
        synchronized (work) {
            work.done = true;
            if (work.interrupted && work.thread == Thread.currentThread()) {
                Thread.interrupted();
            }
        }
    }

    void check() {
        long now = nanoTime.getAsLong();
        for (Work work : running) {
            synchronized (work) {
                if (work.done || work.interrupted) {
                    continue;
                }
                long elapsed = now - work.started;
                if (elapsed >= limits.limit().toNanos()) {
                    log.error("{} on thread {} has run {} ms, longer than its limit of {} ms: interrupting it. Its stack:\n{}",
                            work.name, work.thread.getName(), TimeUnit.NANOSECONDS.toMillis(elapsed), limits.limit().toMillis(),
                            stackOf(work.thread));
                    work.interrupted = true;
                    work.interruptions.increment();
                    work.thread.interrupt();
                } else if (elapsed >= limits.warning().toNanos() + work.warnings * limits.warningInterval().toNanos()) {
                    if (work.warnings++ == 0) {
                        work.slow.increment();
                    }
                    log.warn("{} on thread {} has run {} ms; it is interrupted at {} ms. Its stack:\n{}", work.name,
                            work.thread.getName(), TimeUnit.NANOSECONDS.toMillis(elapsed), limits.limit().toMillis(),
                            stackOf(work.thread));
                }
            }
        }
    }

    private static String stackOf(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).map(frame -> "\tat " + frame).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        janitor.shutdownNow();
    }

    private static final class Work {
        final String name;
        final Thread thread;
        final long started;
        final Counter slow;
        final Counter interruptions;
        int warnings;
        boolean done;
        boolean interrupted;

        Work(String name, Thread thread, long started, Counter slow, Counter interruptions) {
            this.name = name;
            this.thread = thread;
            this.started = started;
            this.slow = slow;
            this.interruptions = interruptions;
        }
    }
}
