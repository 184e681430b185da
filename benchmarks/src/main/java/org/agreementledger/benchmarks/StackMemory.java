package org.agreementledger.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Resident memory of the local stack's processes. PSS (proportional set size) rather than RSS, so that
 * PostgreSQL's shared buffers, mapped by every backend, are counted once and not once per process.
 */
final class StackMemory {

    static final String BENCHMARK_JVM = "launcher JVM (Kafka broker; benchmark coordinator)";
    static final String POSTGRES = "PostgreSQL";
    static final List<String> COMPONENTS = List.of(BENCHMARK_JVM, POSTGRES, "ledger-service", "projection-service");

    /** KiB per component, how many PostgreSQL processes there were, and whether a process lacked PSS. */
    record Snapshot(Map<String, Long> kib, int postgresProcesses, boolean rssFallback) {
        long totalKib() {
            return kib.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private record Reading(long kib, boolean pss) {
    }

    private StackMemory() {
    }

    /**
     * Measures the processes {@code LocalStack.pids()} lists: this JVM, the postmaster (plus all its
     * descendants, the backends and background workers) and the two services, in that order.
     */
    static Snapshot measure(List<Long> stackPids) {
        Map<String, Long> kib = new LinkedHashMap<>();
        int postgresProcesses = 0;
        boolean rssFallback = false;
        int service = 0;
        long self = ProcessHandle.current().pid();
        for (long pid : stackPids) {
            String component;
            List<Long> pids = new ArrayList<>();
            pids.add(pid);
            if (pid == self) {
                component = BENCHMARK_JVM;
            } else if (isPostgres(pid)) {
                component = POSTGRES;
                ProcessHandle.of(pid).ifPresent(postmaster ->
                        postmaster.descendants().forEach(child -> pids.add(child.pid())));
                postgresProcesses = pids.size();
            } else {
                // pids() lists the ledger before the projection.
                component = COMPONENTS.get(2 + Math.min(service++, 1));
            }
            for (long each : pids) {
                Reading reading = read(each);
                kib.merge(component, reading.kib(), Long::sum);
                rssFallback |= !reading.pss();
            }
        }
        return new Snapshot(kib, postgresProcesses, rssFallback);
    }

    /** Samples every second until closed; keeps the sample with the largest total. */
    static final class Sampler implements AutoCloseable {

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "memory-sampler");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicReference<Snapshot> max = new AtomicReference<>();

        Sampler(Supplier<List<Long>> stackPids) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    Snapshot sample = measure(stackPids.get());
                    max.accumulateAndGet(sample, (a, b) -> a == null || b.totalKib() > a.totalKib() ? b : a);
                } catch (RuntimeException e) {
                    // A process that exits between listing and reading: skip this sample, keep sampling.
                }
            }, 0, 1, TimeUnit.SECONDS);
        }

        /** The largest sample so far, or null if none was taken. */
        Snapshot max() {
            return max.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isPostgres(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim().startsWith("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    /** Pss from smaps_rollup (Linux 4.14+); VmRSS where that is not readable. 0 for a process that is gone. */
    private static Reading read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        OptionalLong pss = field(proc.resolve("smaps_rollup"), "Pss:");
        if (pss.isPresent()) {
            return new Reading(pss.getAsLong(), true);
        }
        OptionalLong rss = field(proc.resolve("status"), "VmRSS:");
        return rss.isPresent() ? new Reading(rss.getAsLong(), false) : new Reading(0, true);
    }

    private static OptionalLong field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    // e.g. "Pss:              123456 kB"
                    return OptionalLong.of(Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or gone
        }
        return OptionalLong.empty();
    }
}
