package org.agreementledger.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time per process from {@code /proc/<pid>/stat} (utime + stime, in clock ticks), so the cost of a measured
 * window can be split by component. PostgreSQL is the postmaster and every descendant alive, plus the postmaster's
 * cutime + cstime: backends that exit (a JDBC baseline's connections) hand their whole CPU time to it when reaped, so
 * the difference of two readings is the CPU spent between them even when backends came and went.
 */
final class ProcessCpu {

    /** Clock ticks per second (USER_HZ): 100 on Linux unless {@code getconf CLK_TCK} says otherwise. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessCpu() {
    }

    /** Ticks so far of each named component; a process that is gone reads 0. */
    static Map<String, Long> read(Map<String, Long> pids, String postgresName) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ticks.put(name, name.equals(postgresName) ? postgres(pid) : own(pid)[0]));
        return ticks;
    }

    /** The CPU microseconds each component spent between two readings. */
    static Map<String, Double> microsBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> micros = new LinkedHashMap<>();
        after.forEach((name, ticks) -> micros.put(name,
                (ticks - before.getOrDefault(name, 0L)) * 1e6 / TICKS_PER_SECOND));
        return micros;
    }

    /**
     * A backend reaped while its siblings are read would be in neither the live sum nor the postmaster's cutime
     * read before: so the postmaster is read before and after the siblings, and again until nothing was reaped between.
     */
    private static long postgres(long postmaster) {
        long total = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            long[] first = own(postmaster);
            total = 0;
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
                total += own(child.pid())[0];
            }
            long[] last = own(postmaster);
            total += last[0] + last[1];
            if (first[1] == last[1]) {
                break;
            }
        }
        return total;
    }

    /**
     * The CPU ticks of a JVM's JIT compiler threads so far, by thread id (HotSpot names them "C1 CompilerThread0" …,
     * shortened by the kernel to 15 characters; it starts and stops them as the queue of work grows and shrinks).
     */
    static Map<Long, Long> compilerThreads(long pid) {
        Map<Long, Long> ticks = new LinkedHashMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks.put(Long.parseLong(task.getFileName().toString()), times(stat)[0]);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while listed
                }
            });
        } catch (IOException | RuntimeException e) {
            // the process is gone: the threads read so far
        }
        return ticks;
    }

    /** The compiler threads' ticks between two readings; a thread that ended between them is not counted. */
    static long compilerTicksBetween(Map<Long, Long> before, Map<Long, Long> after) {
        long ticks = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            ticks += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
        }
        return ticks;
    }

    /** utime + stime of one process so far; 0 when it is gone. */
    static long ticks(long pid) {
        return own(pid)[0];
    }

    /** {utime + stime, cutime + cstime} of one process; zeros when it is gone. */
    private static long[] own(long pid) {
        try {
            return times(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    /** {utime + stime, cutime + cstime} of a process's or thread's {@code stat} line. */
    private static long[] times(String stat) {
        // fields after the command name, which may contain spaces: state is field 3, utime 14 … cstime 17
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
