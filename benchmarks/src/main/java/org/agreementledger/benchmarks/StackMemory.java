package org.agreementledger.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
    /** The application_name of the benchmark's own database connections. */
    static final String BENCHMARK_CLIENT = "benchmark";

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
     * descendants, the backends and background workers, except the backends of clients that are not the
     * stack's) and the two services, in that order.
     */
    static Snapshot measure(List<Long> stackPids, Set<Long> foreignBackends) {
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
                ProcessHandle.of(pid).ifPresent(postmaster -> postmaster.descendants()
                        .filter(child -> !foreignBackends.contains(child.pid()))
                        .forEach(child -> pids.add(child.pid())));
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

        Sampler(Supplier<List<Long>> stackPids, Supplier<Set<Long>> foreignBackends) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    Snapshot sample = measure(stackPids.get(), foreignBackends.get());
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

    /**
     * The PostgreSQL backends of clients that are not the stack's: the REST floor's pool and the benchmark's own
     * connections (the raw JDBC baseline, the drain checks, this query). The services name theirs
     * (ApplicationName in their data source settings); whatever else is connected is left out.
     */
    static final class ForeignBackends implements Supplier<Set<Long>>, AutoCloseable {

        private final Connection connection;

        ForeignBackends(String jdbcUrl) throws SQLException {
            connection = DriverManager.getConnection(jdbcUrl, RawBaselines.DB_USER, RawBaselines.DB_PASSWORD);
        }

        @Override
        public synchronized Set<Long> get() {
            Set<Long> pids = new HashSet<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("""
                         SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'
                         AND coalesce(application_name, '') NOT IN ('ledger-service', 'projection-service')""")) {
                while (rows.next()) {
                    pids.add(rows.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot list PostgreSQL's clients: " + e.getMessage(), e);
            }
            return pids;
        }

        @Override
        public synchronized void close() throws SQLException {
            connection.close();
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
