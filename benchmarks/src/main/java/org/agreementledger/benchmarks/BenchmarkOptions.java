package org.agreementledger.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** What one benchmark run measures, and for how long. */
record BenchmarkOptions(
        int seconds,
        int warmupSeconds,
        int warmupMaxSeconds,
        int settleSeconds,
        int repeats,
        List<Boolean> groupCommitSettings,
        boolean profile,
        int latencySamples,
        List<Integer> historySizes,
        List<Integer> levels,
        long replayEvents,
        List<String> phases,
        String viewObserver,
        boolean keepData) {

    static final String USAGE = """
            Usage: LedgerBenchmark [options]
              --seconds=N              counted seconds per throughput window (default 15)
              --warmup-seconds=N       least warm-up of each path before the first window, of the ledger's paths after
                                       each restart of the ledger, and before the profiled window: 15 s windows at the
                                       top level until the path's rate stops rising (default 30; 0 for none)
              --warmup-max-seconds=N   most warm-up of a path, steady or not (default 360)
              --settle-seconds=N       load before each counted window, not counted (default 5)
              --repeats=N              times each level of each path is measured, interleaved, and rounds of the
                                       latency phase's maximum and 80 % load (default 3)
              --group-commit=on,off    the ledger's group commit settings to measure (default on,off)
              --profile                after the throughput windows, one more ledger window with JFR on the ledger
                                       and pg_stat_statements, pg_stat_wal, pg_stat_bgwriter and pg_stat_database per
                                       command; the same PostgreSQL figures per event over the rebuild
              --latency-samples=N      offers timed until the projection serves them, idle and under load (default 300)
              --history-sizes=A,B,...  events in an agreement before its amendment commands are timed (default 10,1000,100000)
              --levels=A,B,...         concurrent clients per throughput level (default 1,4,16)
              --replay-events=N        fill the topic to N records and time a full rebuild of every view (default 0: skipped)
              --phases=A,B,...         which phases to run: throughput, latency, history, replay, audit (default: all)
              --view-observer=X        how the latency phase sees an offer in the view: push (default), its event on
                                       the live feed of the timed offers' country; poll, GET every 2 ms
              --keep-data              keep the temporary data directory (PostgreSQL, Kafka, service logs)
            """;

    static BenchmarkOptions parse(String[] args) {
        int seconds = 15;
        int warmupSeconds = 30;
        int warmupMaxSeconds = 360;
        int settleSeconds = 5;
        int repeats = 3;
        List<Boolean> groupCommit = List.of(true, false);
        boolean profile = false;
        int latencySamples = 300;
        List<Integer> historySizes = List.of(10, 1_000, 100_000);
        List<Integer> levels = List.of(1, 4, 16);
        boolean keepData = false;
        long replayEvents = 0;
        List<String> phases = List.of("throughput", "latency", "history", "replay", "audit");
        String viewObserver = "push";
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            if (arg.equals("--keep-data")) {
                keepData = true;
                continue;
            }
            if (arg.equals("--profile")) {
                profile = true;
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unrecognised argument '" + arg + "'\n" + USAGE);
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "seconds" -> seconds = number(name, value, 1);
                case "warmup-seconds" -> warmupSeconds = number(name, value, 0);
                case "warmup-max-seconds" -> warmupMaxSeconds = number(name, value, 0);
                case "settle-seconds" -> settleSeconds = number(name, value, 0);
                case "repeats" -> repeats = number(name, value, 1);
                case "group-commit" -> groupCommit = onOff(name, value);
                case "latency-samples" -> latencySamples = number(name, value, 1);
                case "history-sizes" -> historySizes = numbers(name, value);
                case "levels" -> levels = numbers(name, value);
                case "replay-events" -> replayEvents = number(name, value, 1);
                case "phases" -> phases = List.of(value.split(","));
                case "view-observer" -> viewObserver = oneOf(name, value, "push", "poll");
                default -> throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
            }
        }
        return new BenchmarkOptions(seconds, warmupSeconds, Math.max(warmupSeconds, warmupMaxSeconds), settleSeconds,
                repeats, groupCommit, profile, latencySamples, historySizes, levels, replayEvents, phases, viewObserver,
                keepData);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /**
     * The group commit setting whose windows the memory under load is sampled in: on, the ledger's default since run
     * Q, when the run measures it.
     */
    String memorySetting() {
        return defaultGroupCommit() ? "on" : "off";
    }

    /** The ledger's default group commit setting (on) if the run measures it, else the one it measures. */
    boolean defaultGroupCommit() {
        return groupCommitSettings.contains(true);
    }

    /** The level at which the stack's memory under load is sampled. */
    int topLevel() {
        return levels.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    private static int number(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim().replace("_", ""));
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number of at least " + min + ", got '" + value + "'");
        }
    }

    private static String oneOf(String name, String value, String... allowed) {
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException("--" + name + " takes one of " + String.join(", ", allowed) + "; got '"
                    + value + "'");
        }
        return value;
    }

    private static List<Boolean> onOff(String name, String value) {
        List<Boolean> list = new ArrayList<>();
        for (String part : value.split(",")) {
            switch (part.trim()) {
                case "on" -> list.add(true);
                case "off" -> list.add(false);
                default -> throw new IllegalArgumentException("--" + name + " takes on, off or on,off; got '" + value + "'");
            }
        }
        return List.copyOf(list);
    }

    private static List<Integer> numbers(String name, String value) {
        List<Integer> list = new ArrayList<>();
        for (String part : value.split(",")) {
            list.add(number(name, part, 1));
        }
        return List.copyOf(list);
    }
}
