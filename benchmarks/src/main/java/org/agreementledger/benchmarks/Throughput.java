package org.agreementledger.benchmarks;

import org.agreementledger.stack.LocalStack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.agreementledger.benchmarks.LedgerBenchmark.progress;
import static org.agreementledger.benchmarks.Report.format;

/**
 * The throughput phase (issue 12): the ledger through REST with and without an Idempotency-Key, its in-process
 * command path, each with group commit on and off, and the baselines (REST floor, raw JDBC, raw Kafka), every level
 * repeated and interleaved; the CPU each process spent in each counted window.
 */
final class Throughput {

    static final String LEDGER_KEY = "ledger-key";
    static final String LEDGER = "ledger";
    static final String IN_PROCESS = "in-process";
    static final String FLOOR = "floor";
    static final String JDBC = "jdbc";
    static final String KAFKA = "kafka";
    /** Each warm-up window's length; the warm-up runs at the top level of clients, the load the rest is measured at. */
    private static final Duration WARM_UP_WINDOW = Duration.ofSeconds(15);
    /** What a plain Axon 4.13 + JPA application reaches of raw JDBC in-process on this kind of machine (issue 12). */
    private static final double PLAIN_AXON_LOW = 0.07;
    private static final double PLAIN_AXON_HIGH = 0.12;

    static final String CPU_LEDGER = "ledger-service";
    static final String CPU_PROJECTION = "projection-service";
    static final String CPU_POSTGRES = "PostgreSQL";
    static final String CPU_LAUNCHER = "launcher (Kafka broker)";
    static final String CPU_LOADGEN = "load generator";
    static final String CPU_FLOOR = "REST floor";

    /** One counted window. {@code groupCommit}: "on", "off", or "" for a baseline. */
    record Window(String path, String groupCommit, int clients, int repeat, long ok, long errors, double seconds,
                  double p50Millis, double p99Millis, String firstError, Map<String, Double> cpuMicros) {
        double perSecond() {
            return seconds > 0 ? ok / seconds : 0;
        }

        String series() {
            return Throughput.series(path, groupCommit);
        }
    }

    /** How a path is named in the report: a ledger's path with its group commit setting, a baseline alone. */
    private static String series(String path, String groupCommit) {
        return groupCommit.isEmpty() ? path : path + " (group commit " + groupCommit + ")";
    }

    /** One path's warm-up: the rate of each window, and whether it ended steady or at the most allowed. */
    record WarmUp(String series, List<SteadyPace.Window> windows, boolean steady) {
        String describe() {
            return format("%s: %s/s, %d s, %s", series, String.join(", ", windows.stream().map(w -> format("%.0f", w.rate())
                    + (Double.isNaN(w.compilerShare()) ? "" : format(" (JIT %.0f %%)", 100 * w.compilerShare()))).toList()),
                    windows.size() * WARM_UP_WINDOW.toSeconds(), steady ? "steady" : "still rising when cut off");
        }
    }

    private final BenchmarkOptions options;
    private final LocalStack stack;
    private final PipelineDrain drain;
    private final LoadGenerator.Remote generator;
    private final RestFloor floor;
    private final InProcessPath inProcess;
    private final Report report;
    private final List<Window> windows = new ArrayList<>();
    private final List<WarmUp> warmUps = new ArrayList<>();
    private Boolean groupCommit;
    private StackMemory.Snapshot memoryUnderLoad;
    private final StackMemory.ForeignBackends foreign;

    Throughput(BenchmarkOptions options, LocalStack stack, PipelineDrain drain, LoadGenerator.Remote generator,
               RestFloor floor, InProcessPath inProcess, Report report, StackMemory.ForeignBackends foreign) {
        this.foreign = foreign;
        this.options = options;
        this.stack = stack;
        this.drain = drain;
        this.generator = generator;
        this.floor = floor;
        this.inProcess = inProcess;
        this.report = report;
    }

    /** Runs the phase, reports it, and returns the stack's largest memory sample under the top level's load. */
    StackMemory.Snapshot run() throws Exception {
        useGroupCommit(options.groupCommitSettings().get(0));
        warmUp(List.of(LEDGER_KEY, LEDGER, IN_PROCESS, FLOOR, JDBC, KAFKA));
        for (int repeat = 1; repeat <= options.repeats(); repeat++) {
            List<Boolean> settings = new ArrayList<>(options.groupCommitSettings());
            if (repeat % 2 == 0) {
                // alternate which setting goes first, so neither always follows the baselines
                Collections.reverse(settings);
            }
            ledgerBlock(settings.get(0), repeat);
            for (int clients : options.levels()) {
                for (String path : List.of(FLOOR, JDBC, KAFKA)) {
                    measure(path, "", clients, repeat);
                }
            }
            for (Boolean setting : settings.subList(1, settings.size())) {
                ledgerBlock(setting, repeat);
            }
        }
        reportResults();
        return memoryUnderLoad;
    }

    /** The ledger's own settings last: the later phases run on the stack as it stands. */
    boolean groupCommitOn() {
        return Boolean.TRUE.equals(groupCommit);
    }

    private void ledgerBlock(boolean on, int repeat) throws Exception {
        if (!Objects.equals(groupCommit, on)) {
            useGroupCommit(on);
            warmUp(List.of(LEDGER_KEY, IN_PROCESS));
        }
        List<String> paths = new ArrayList<>(on ? List.of(LEDGER_KEY, IN_PROCESS, LEDGER) : List.of(LEDGER_KEY, IN_PROCESS));
        // the path measured first comes after about a minute without ledger load, while the JDBC baseline's rows
        // passed through PostgreSQL's cache (run Z17: the keyed path, always first, ran at 0.55 of the unkeyed one,
        // against 0.8-0.9 when the two alternate): each repeat starts with another path
        Collections.rotate(paths, -(repeat - 1));
        for (int clients : options.levels()) {
            for (String path : paths) {
                measure(path, on ? "on" : "off", clients, repeat);
            }
        }
    }

    /** Restarts the ledger with the in-process endpoint and the group commit setting. */
    void useGroupCommit(boolean on) {
        progress("Restarting the ledger with group commit %s", on ? "on" : "off");
        stack.restartLedger(List.of(InProcessPath.ENABLE, "--ledger.group-commit.enabled=" + on));
        groupCommit = on;
    }

    /**
     * Loads each path at the top level, in windows of {@link #WARM_UP_WINDOW}, until its rate stops rising and the
     * JIT compilers of the service it loads (the ledger, the floor) are done ({@link SteadyPace}), for at least
     * {@code --warmup-seconds} and at most {@code --warmup-max-seconds}.
     */
    List<WarmUp> warmUp(List<String> paths) throws Exception {
        List<WarmUp> done = new ArrayList<>();
        if (options.warmupSeconds() == 0) {
            return done;
        }
        int clients = options.topLevel();
        for (String path : paths) {
            String series = series(path, List.of(FLOOR, JDBC, KAFKA).contains(path) ? "" : groupCommitOn() ? "on" : "off");
            drain.await();
            progress("Warm-up: %s, %d clients, until its rate stops rising and its JIT is done (%d–%d s)", series, clients,
                    options.warmupSeconds(), options.warmupMaxSeconds());
            long service = path.equals(FLOOR) ? floor.pid() : List.of(JDBC, KAFKA).contains(path) ? 0 : stack.ledgerPid();
            List<SteadyPace.Window> windows = new ArrayList<>();
            boolean steady;
            long seconds;
            do {
                SteadyPace.Window window = warmUpWindow(path, clients, service);
                windows.add(window);
                seconds = windows.size() * WARM_UP_WINDOW.toSeconds();
                steady = seconds >= options.warmupSeconds() && SteadyPace.STEADY.reached(windows);
                progress("Warm-up: %s, %d s: %.0f/s%s", series, seconds, window.rate(), Double.isNaN(window.compilerShare())
                        ? "" : format(", JIT %.1f %% of the service's CPU", 100 * window.compilerShare()));
            } while (!steady && seconds < options.warmupMaxSeconds());
            done.add(new WarmUp(series, List.copyOf(windows), steady));
        }
        warmUps.addAll(done);
        return done;
    }

    /** One warm-up window's rate, and the share of the loaded service's CPU (none: pid 0) its JIT compilers took. */
    private SteadyPace.Window warmUpWindow(String path, int clients, long service) throws Exception {
        Map<Long, Long> compilers = service == 0 ? Map.of() : ProcessCpu.compilerThreads(service);
        long ticks = service == 0 ? 0 : ProcessCpu.ticks(service);
        double rate = path.equals(IN_PROCESS) ? inProcess.run(clients, (int) WARM_UP_WINDOW.toSeconds()).perSecond()
                : generator.run(path, clients, Duration.ZERO, WARM_UP_WINDOW, () -> { }, () -> { }).perSecond();
        ticks = service == 0 ? 0 : ProcessCpu.ticks(service) - ticks;
        return new SteadyPace.Window(rate, ticks <= 0 ? Double.NaN
                : (double) ProcessCpu.compilerTicksBetween(compilers, ProcessCpu.compilerThreads(service)) / ticks);
    }

    /** One counted window, after the pipeline has drained and a short settle at the same load. */
    Window measure(String path, String gc, int clients, int repeat) throws Exception {
        drain.await();
        AtomicReference<Map<String, Long>> before = new AtomicReference<>();
        AtomicReference<Map<String, Long>> after = new AtomicReference<>();
        boolean sampleMemory = path.equals(LEDGER_KEY) && gc.equals(options.memorySetting()) && clients == options.topLevel();
        StackMemory.Sampler sampler = sampleMemory ? new StackMemory.Sampler(stack::pids, foreign) : null;
        Window window;
        try {
            if (path.equals(IN_PROCESS)) {
                if (options.settleSeconds() > 0) {
                    inProcess.run(clients, options.settleSeconds());
                }
                before.set(cpu());
                InProcessPath.Run run = inProcess.run(clients, options.seconds());
                after.set(cpu());
                window = new Window(path, gc, clients, repeat, run.offers(), run.errors(), run.seconds(), run.meanMillis(),
                        Double.NaN, run.firstError(), ProcessCpu.microsBetween(before.get(), after.get()));
            } else {
                LoadGenerator.Measured m = generator.run(path, clients, Duration.ofSeconds(options.settleSeconds()),
                        Duration.ofSeconds(options.seconds()), () -> before.set(cpu()), () -> after.set(cpu()));
                window = new Window(path, gc, clients, repeat, m.ok(), m.errors(), m.seconds(), m.p50Micros() / 1000.0,
                        m.p99Micros() / 1000.0, m.firstError(), ProcessCpu.microsBetween(before.get(), after.get()));
            }
        } finally {
            if (sampler != null) {
                sampler.close();
                StackMemory.Snapshot max = sampler.max();
                if (max != null && (memoryUnderLoad == null || max.totalKib() > memoryUnderLoad.totalKib())) {
                    memoryUnderLoad = max;
                }
            }
        }
        windows.add(window);
        progress("repeat %d: %s, %d clients: %.0f/s, %d errors%s", repeat, window.series(), clients, window.perSecond(),
                window.errors(), window.firstError() == null ? "" : " (first: " + window.firstError() + ")");
        return window;
    }

    /** CPU ticks so far of every process that could work for a command. */
    Map<String, Long> cpu() {
        Map<String, Long> named = new LinkedHashMap<>();
        named.put(CPU_LEDGER, stack.ledgerPid());
        named.put(CPU_PROJECTION, stack.projectionPid());
        named.put(CPU_POSTGRES, stack.postmasterPid());
        named.put(CPU_LAUNCHER, ProcessHandle.current().pid());
        named.put(CPU_LOADGEN, generator.pid());
        named.put(CPU_FLOOR, floor.pid());
        return ProcessCpu.read(named, CPU_POSTGRES);
    }

    private List<String> series() {
        List<String> series = new ArrayList<>();
        for (Window w : windows) {
            if (!series.contains(w.series())) {
                series.add(w.series());
            }
        }
        return series;
    }

    private List<Window> of(String series, int clients) {
        return windows.stream().filter(w -> w.series().equals(series) && w.clients() == clients).toList();
    }

    private double median(String series, int clients, Function<Window, Double> value) {
        List<Double> values = of(series, clients).stream().map(value).filter(v -> !v.isNaN()).sorted().toList();
        if (values.isEmpty()) {
            return Double.NaN;
        }
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private String rateCell(String series, int clients) {
        List<Window> ws = of(series, clients);
        if (ws.isEmpty()) {
            return "n/a";
        }
        double min = ws.stream().mapToDouble(Window::perSecond).min().orElse(0);
        double max = ws.stream().mapToDouble(Window::perSecond).max().orElse(0);
        return format("**%.0f** (%.0f–%.0f)", median(series, clients, Window::perSecond), min, max);
    }

    private String ratioCell(String numerator, String denominator, int clients) {
        return Report.ratio(median(numerator, clients, Window::perSecond), median(denominator, clients, Window::perSecond));
    }

    private void reportResults() {
        List<Integer> levels = options.levels();
        List<String> header = new ArrayList<>(List.of("Path"));
        levels.forEach(level -> header.add(level + (level == 1 ? " client" : " clients")));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> latencyRows = new ArrayList<>();
        for (String series : series()) {
            List<String> row = new ArrayList<>(List.of(series));
            List<String> latencyRow = new ArrayList<>(List.of(series));
            for (int level : levels) {
                row.add(rateCell(series, level));
                double p50 = median(series, level, Window::p50Millis);
                double p99 = median(series, level, Window::p99Millis);
                latencyRow.add(series.startsWith(IN_PROCESS) ? format("mean %.1f", p50) : format("%.1f / %.1f", p50, p99));
            }
            rows.add(row);
            latencyRows.add(latencyRow);
        }
        List<List<String>> ratios = new ArrayList<>();
        String keyOn = LEDGER_KEY + " (group commit on)";
        String keyOff = LEDGER_KEY + " (group commit off)";
        String inOn = IN_PROCESS + " (group commit on)";
        String inOff = IN_PROCESS + " (group commit off)";
        String plainOn = LEDGER + " (group commit on)";
        addRatio(ratios, "REST + Idempotency-Key / REST floor (target ≥ 0.5), group commit on", keyOn, FLOOR);
        addRatio(ratios, "REST + Idempotency-Key / REST floor, group commit off", keyOff, FLOOR);
        addRatio(ratios, "REST without key / REST floor, group commit on", plainOn, FLOOR);
        addRatio(ratios, "In-process / raw JDBC (target ≥ 0.5 at 16), group commit on", inOn, JDBC);
        addRatio(ratios, "In-process / raw JDBC, group commit off", inOff, JDBC);
        addRatio(ratios, "REST + key: group commit on / off", keyOn, keyOff);
        addRatio(ratios, "In-process: group commit on / off", inOn, inOff);
        addRatio(ratios, "REST floor / raw JDBC", FLOOR, JDBC);
        List<String> plainAxon = new ArrayList<>(List.of("In-process (on) / plain Axon (0.07–0.12 of JDBC; target ≥ 3)"));
        for (int level : levels) {
            double share = median(inOn, level, Window::perSecond) / median(JDBC, level, Window::perSecond);
            plainAxon.add(Double.isNaN(share) ? "n/a" : format("%.1f–%.1f", share / PLAIN_AXON_HIGH, share / PLAIN_AXON_LOW));
        }
        ratios.add(plainAxon);

        int top = options.topLevel();
        List<String> components = List.of(CPU_LEDGER, CPU_PROJECTION, CPU_POSTGRES, CPU_LAUNCHER, CPU_LOADGEN, CPU_FLOOR);
        List<String> cpuHeader = new ArrayList<>(List.of("Path (" + top + " clients)"));
        cpuHeader.addAll(components);
        cpuHeader.add("Total");
        List<List<String>> cpuRows = new ArrayList<>();
        for (String series : series()) {
            List<String> row = new ArrayList<>(List.of(series));
            double total = 0;
            for (String component : components) {
                double perOp = median(series, top, w -> w.ok() == 0 ? Double.NaN : w.cpuMicros().get(component) / w.ok());
                total += Double.isNaN(perOp) ? 0 : perOp;
                row.add(Double.isNaN(perOp) ? "n/a" : format("%.0f", perOp));
            }
            row.add(format("**%.0f**", total));
            cpuRows.add(row);
        }
        List<String> errors = windows.stream().filter(w -> w.errors() > 0)
                .map(w -> format("- %s, %d clients, repeat %d: %d errors; first: `%s`", w.series(), w.clients(), w.repeat(),
                        w.errors(), w.firstError()))
                .toList();
        report.section("Throughput (per second: median of " + options.repeats() + " repeats, min–max)",
                Report.table(header, rows)
                        + format("%nEach window: %d s settle at the same load, then %d s counted. Before the first"
                                + " window each path was warmed up at %d clients in %d s windows until its rate stopped"
                                + " rising and the JIT of the service it loads was done (the last two windows each no"
                                + " more than 5 %% faster than every one before them, and in each the ledger's or the"
                                + " floor's JIT compiler threads took at most 5 %% of its CPU; at least %d s, at most %d"
                                + " s), and the ledger's paths again after every restart."
                                + " Repeats interleave the ledger's paths (group commit on, off; which goes first"
                                + " alternates) with the baselines, and each repeat starts the ledger's paths with"
                                + " another one.%n", options.settleSeconds(), options.seconds(), options.topLevel(),
                        WARM_UP_WINDOW.toSeconds(), options.warmupSeconds(), options.warmupMaxSeconds())
                        + (warmUps.isEmpty() ? "" : "\nWarm-ups, in the order run (each window's rate, and the share"
                                + " of the loaded service's CPU its JIT compilers took):\n\n"
                                + String.join("\n", warmUps.stream().map(w -> "- " + w.describe()).toList()) + "\n")
                        + (errors.isEmpty() ? "" : "\nWindows with errors:\n\n" + String.join("\n", errors) + "\n"));
        report.section("Latency (ms, median over repeats: p50 / p99)", Report.table(header, latencyRows)
                + "\nThe in-process path reports the mean (threads × seconds / commands), not percentiles.\n");
        report.section("Ratios (of the medians)", Report.table(header.stream().map(h -> h.equals("Path") ? "Ratio" : h).toList(), ratios));
        report.section("CPU per command (µs, median over repeats, " + top + " clients)", Report.table(cpuHeader, cpuRows)
                + format("%nFrom utime + stime in `/proc/<pid>/stat` at the opening and closing of each counted window,"
                        + " divided by the commands counted in it (%d ticks per second). PostgreSQL: the postmaster, every"
                        + " backend and worker, and the backends that exited (the postmaster's cutime + cstime). The launcher"
                        + " hosts the Kafka broker (and the benchmark's coordinator, idle during a window). The in-process"
                        + " path generates its load inside the ledger, so its load-generator CPU is the ledger's.%n",
                ProcessCpu.TICKS_PER_SECOND));
    }

    private void addRatio(List<List<String>> ratios, String name, String numerator, String denominator) {
        if (series().contains(numerator) && series().contains(denominator)) {
            List<String> row = new ArrayList<>(List.of(name));
            options.levels().forEach(level -> row.add(ratioCell(numerator, denominator, level)));
            ratios.add(row);
        }
    }
}
