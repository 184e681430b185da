package org.agreementledger.benchmarks;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load, as the ledger's REST clients produce it: every client sends one request, waits for
 * the answer, then sends the next. Throughput is the number of answers that arrive inside the counted
 * window, so requests in flight when the window opens or closes do not distort it.
 */
final class ClosedLoop {

    /** One client's next request; throws when the answer is not the expected one. */
    @FunctionalInterface
    interface Client {
        void call() throws Exception;
    }

    /** {@code micros}: the latency of every answer counted, in microseconds. */
    record Result(long ok, long errors, double seconds, String firstError, Histogram micros) {
        double perSecond() {
            return seconds > 0 ? ok / seconds : 0;
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Recorder latencies = new Recorder(3);
    private final long countFrom;
    /** Each client's pace: at most one request per interval (0: as fast as answers come). */
    private final long intervalNanos;
    private volatile long countForNanos;
    private volatile boolean stopped;

    private ClosedLoop(String name, List<? extends Client> clients, long countFrom, long countForNanos, long intervalNanos) {
        this.countFrom = countFrom;
        this.countForNanos = countForNanos;
        this.intervalNanos = intervalNanos;
        for (int i = 0; i < clients.size(); i++) {
            Client client = clients.get(i);
            // paced clients start spread over one interval, so that together they send evenly
            long firstAt = countFrom + (intervalNanos * i) / clients.size();
            Thread thread = new Thread(() -> loop(client, firstAt), name + "-client-" + i);
            // A client stuck in a request must not keep the JVM alive after the run.
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** Runs the clients through the warm-up, then counts answers for {@code window}, then stops them. */
    static Result run(String name, List<? extends Client> clients, Duration warmup, Duration window)
            throws InterruptedException {
        return run(name, clients, warmup, window, () -> { }, () -> { });
    }

    /** As {@link #run(String, List, Duration, Duration)}; calls {@code opens} and {@code closes} as the counted window does. */
    static Result run(String name, List<? extends Client> clients, Duration warmup, Duration window,
                      Runnable opens, Runnable closes) throws InterruptedException {
        long countFrom = System.nanoTime() + warmup.toNanos();
        ClosedLoop loop = new ClosedLoop(name, clients, countFrom, window.toNanos(), 0);
        sleepUntil(countFrom);
        opens.run();
        sleepUntil(countFrom + window.toNanos());
        closes.run();
        return loop.stop();
    }

    /** Starts clients that keep going, and counting, until {@link #stop()}. */
    static ClosedLoop background(String name, List<? extends Client> clients) {
        return new ClosedLoop(name, clients, System.nanoTime(), Long.MAX_VALUE, 0);
    }

    /**
     * Starts clients that together send {@code perSecond} requests a second, each at most one request per
     * {@code clients / perSecond} seconds, until {@link #stop()}. A client whose answer comes late sends its next at
     * once, without catching up on the slots it missed, so the rate reached is at most the one asked for (the result
     * says what it was).
     */
    static ClosedLoop paced(String name, List<? extends Client> clients, double perSecond) {
        long interval = (long) (clients.size() * 1e9 / perSecond);
        return new ClosedLoop(name, clients, System.nanoTime(), Long.MAX_VALUE, interval);
    }

    /** Stops the clients (each finishes its current request) and returns what was counted. */
    Result stop() throws InterruptedException {
        long stoppedAt = System.nanoTime();
        if (countForNanos == Long.MAX_VALUE) {
            countForNanos = stoppedAt - countFrom;
        }
        stopped = true;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        return new Result(ok.sum(), errors.sum(), countForNanos / 1e9, firstError.get(), latencies.getIntervalHistogram());
    }

    private void loop(Client client, long firstAt) {
        long next = firstAt;
        while (!stopped) {
            if (intervalNanos > 0) {
                try {
                    sleepUntil(next);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                next = Math.max(next + intervalNanos, System.nanoTime());
            }
            boolean success;
            long start = System.nanoTime();
            try {
                client.call();
                success = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                success = false;
                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            long answeredAt = System.nanoTime();
            long sinceCountFrom = answeredAt - countFrom;
            if (sinceCountFrom >= 0 && sinceCountFrom < countForNanos) {
                (success ? ok : errors).increment();
                if (success) {
                    latencies.recordValue(TimeUnit.NANOSECONDS.toMicros(answeredAt - start));
                }
            }
        }
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(remaining, TimeUnit.SECONDS.toNanos(1)));
        }
    }
}
