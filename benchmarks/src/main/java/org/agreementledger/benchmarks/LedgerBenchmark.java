package org.agreementledger.benchmarks;

import org.HdrHistogram.Histogram;
import org.agreementledger.infra.FreePorts;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.LocalStack;
import org.agreementledger.stack.StackConfig;
import org.apache.kafka.clients.producer.Producer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.agreementledger.benchmarks.Report.format;

/**
 * Measures the Agreement Ledger on the local stack, against raw JDBC and raw Kafka on the same
 * PostgreSQL and Kafka, in one run: throughput, command-to-projection latency, the cost of a command on
 * a long history, and the stack's memory. Prints Markdown and writes it to {@code bench.results}.
 */
public final class LedgerBenchmark {

    private static final int BACKGROUND_CLIENTS = 4;
    /** The condition for the command-to-view target: p99 at this share of the ledger's maximum. */
    private static final double LOAD_SHARE = 0.8;
    private static final int HISTORY_BUILDERS = 8;
    private static final int TIMED_AMENDMENTS = 200;
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(5);
    private static final Duration LATENCY_PAUSE = Duration.ofMillis(20);
    private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(30);
    /** After this many offers in a row that never reach the projection, it is not serving: stop timing it. */
    private static final int MAX_CONSECUTIVE_TIMEOUTS = 3;
    private static final long GIB_IN_KIB = 1024L * 1024L;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final BenchmarkOptions options;
    private final StackConfig config;
    private final String jdbcUrl;
    private final Report report = new Report();
    /** Reused from level to level, so each client keeps its connection as a real caller would. */
    private final List<LedgerHttp> offeringClients = new ArrayList<>();
    private LocalIdentityProvider identity;

    /**
     * Each sample from the offer's start to its view, and from the same start to each step on the way: the ledger's
     * answer, the publisher's send to Kafka, the record readable by a read_committed reader (where the tail comes from).
     */
    private record Latency(Histogram micros, Histogram answeredMicros, Histogram sentMicros, Histogram readableMicros,
                           int failures, String firstFailure) {

        /** The steps in the order of {@link #STEPS}. */
        List<Histogram> steps() {
            return List.of(answeredMicros, sentMicros, readableMicros, micros);
        }
    }

    private static final List<String> STEPS = List.of("answered", "sent", "readable", "in the view");

    private LedgerBenchmark(BenchmarkOptions options, StackConfig config) {
        this.options = options;
        this.config = config;
        this.jdbcUrl = RawBaselines.jdbcUrl(config);
    }

    public static void main(String[] args) {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path results = Path.of(System.getProperty("bench.results", "benchmarks/target/benchmark-results.md"));
        int exitCode = 0;
        try {
            run(options, results);
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        }
        // Kafka's and the HTTP clients' lingering threads must not keep the JVM alive.
        System.exit(exitCode);
    }

    private static void run(BenchmarkOptions options, Path results) throws Exception {
        Path dataDir = Files.createTempDirectory("ledger-benchmark-");
        StackConfig config = StackConfig.parse(new String[]{
                "--data-dir=" + dataDir,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next()});
        LedgerBenchmark benchmark = new LedgerBenchmark(options, config);
        long startedAt = System.nanoTime();
        LocalStack stack = null;
        try {
            progress("Starting the local stack in %s", dataDir);
            stack = LocalStack.start(config, options.profile() ? Profile.POSTGRES_SETTINGS : Map.of());
            LocalStack started = stack;
            // Ctrl-C must not leave PostgreSQL and the services running; close() does nothing the second time.
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "benchmark-shutdown"));
            benchmark.measure(stack);
            benchmark.report.section("Run", format("Completed in %.1f min with options %s.",
                    (System.nanoTime() - startedAt) / 60e9, String.join(" ", describe(options))));
        } catch (Exception e) {
            benchmark.report.section("Run aborted", "`" + e + "`");
            throw e;
        } finally {
            if (stack != null) {
                progress("Stopping the local stack");
                stack.close();
            }
            try {
                benchmark.report.writeTo(results);
                progress("Results written to %s", results.toAbsolutePath());
            } catch (IOException e) {
                progress("Could not write %s: %s", results.toAbsolutePath(), e);
            }
            if (options.keepData()) {
                progress("Data, including the services' logs, kept in %s", dataDir);
            } else {
                deleteRecursively(dataDir);
            }
        }
    }

    private void measure(LocalStack stack) throws Exception {
        identity = stack.identity();
        report.heading("Benchmark run of " + LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS));
        report.section("Machine", bullets(MachineInfo.describe(jdbcUrl, config.dataDir())));
        report.section("Setup", setup());

        progress("Letting the stack settle for %d s, then measuring its memory at idle", IDLE_SETTLE.toSeconds());
        Thread.sleep(IDLE_SETTLE.toMillis());
        RawBaselines.createTable(jdbcUrl);
        RawBaselines.createTopic(config.kafkaBootstrap());
        try (PipelineDrain drain = new PipelineDrain(jdbcUrl, config.kafkaBootstrap());
             StackMemory.ForeignBackends foreign = new StackMemory.ForeignBackends(jdbcUrl)) {
            StackMemory.Snapshot idle = StackMemory.measure(stack.pids(), foreign.get());
            if (options.runs("throughput")) {
                throughput(stack, drain, idle, foreign);
            }
            if (options.runs("latency")) {
                latency(drain);
            }
            if (options.runs("history")) {
                history(drain);
            }
            if (options.runs("replay") && options.replayEvents() > 0) {
                replay(stack, drain);
            }
            if (options.runs("audit")) {
                audit(drain);
            }
        }
    }

    /**
     * The load generator in a JVM of its own and the REST floor as a process of its own, both for this phase only;
     * the ledger restarted with the in-process endpoint and each group commit setting.
     */
    private void throughput(LocalStack stack, PipelineDrain drain, StackMemory.Snapshot idle,
                            StackMemory.ForeignBackends foreign) throws Exception {
        Path logs = config.dataDir().toAbsolutePath().resolve("logs");
        Files.createDirectories(logs);
        progress("Starting the REST floor and the load generator");
        try (RestFloor floor = RestFloor.start(Path.of(System.getProperty("floor.jar")), config, identity, FreePorts.next());
             LoadGenerator.Remote generator = new LoadGenerator.Remote(stackArgs(config), floor.url(), logs.resolve("load-generator.log"))) {
            InProcessPath inProcess = new InProcessPath(config.ledgerUrl(),
                    identity.mint("bench-admin", null, List.of("ledger.admin"), Duration.ofDays(1)));
            Throughput throughput = new Throughput(options, stack, drain, generator, floor, inProcess, report, foreign);
            StackMemory.Snapshot underLoad = throughput.run();
            reportMemory(idle, underLoad);
            if (options.profile()) {
                profile(stack, drain, throughput, generator);
            }
            if (!throughput.groupCommitOn()) {
                throughput.useGroupCommit(true);
            }
        }
    }

    /**
     * One more window of the ledger with an Idempotency-Key at the top level, profiled: with the ledger's default (group
     * commit on) when the run measured it, so the profile explains the figures a deployment gets.
     */
    private void profile(LocalStack stack, PipelineDrain drain, Throughput throughput, LoadGenerator.Remote generator)
            throws Exception {
        boolean groupCommit = options.defaultGroupCommit();
        if (throughput.groupCommitOn() != groupCommit) {
            throughput.useGroupCommit(groupCommit);
        }
        Profile profile = new Profile(config.postgresHostPort());
        long ledgerPid = stack.ledgerPid();
        Path recording = config.dataDir().toAbsolutePath().resolve("ledger-profile.jfr");
        progress("Profiled window: %s, %d clients, %d s, JFR on the ledger, pg_stat_statements", Throughput.LEDGER_KEY,
                options.topLevel(), options.seconds());
        // a warm ledger, as the windows measured it (run Z31: the first minutes of a ledger are not its pace); and JFR's
        // first start in a JVM loads and compiles its own machinery, which slowed the window after it threefold (run
        // Z32): a recording through the warm-up pays that, and is dropped
        Profile.startJfr(ledgerPid, "warm-up");
        List<Throughput.WarmUp> warmUp = throughput.warmUp(List.of(Throughput.LEDGER_KEY));
        Profile.discardJfr(ledgerPid, "warm-up");
        drain.await();
        profile.reset();
        Profile.startJfr(ledgerPid, "bench");
        Map<String, Long> before = throughput.cpu();
        LoadGenerator.Measured measured = generator.run(Throughput.LEDGER_KEY, options.topLevel(), Duration.ZERO,
                Duration.ofSeconds(options.seconds()), () -> { }, () -> { });
        // the publication and the projection of these commands belong to their cost
        drain.await();
        Map<String, Double> cpu = ProcessCpu.microsBetween(before, throughput.cpu());
        Profile.stopJfr(ledgerPid, "bench", recording);
        long commands = measured.ok() + measured.errors();
        List<String> perCommand = new ArrayList<>();
        cpu.forEach((component, micros) -> perCommand.add(format("%s %.0f", component, micros / commands)));
        report.section(format("Profile: %s, %d clients, group commit %s", Throughput.LEDGER_KEY, options.topLevel(),
                        groupCommit ? "on" : "off"),
                format("%.0f offers/s over %d s, then until the pipeline drained, after a warm-up (%s). CPU µs per"
                                + " command (including the drain): %s.%n%n", measured.perSecond(), options.seconds(),
                        warmUp.isEmpty() ? "none" : warmUp.get(0).describe(), String.join(", ", perCommand))
                        + profile.summarise(commands, "command") + "\n"
                        + Profile.hotMethods(recording)
                        + format("%nThe recording: `%s` (kept with --keep-data); open it in JDK Mission Control.%n", recording));
    }

    private static List<String> stackArgs(StackConfig config) {
        return List.of("--data-dir=" + config.dataDir().toAbsolutePath(), "--kafka-port=" + config.kafkaPort(),
                "--kafka-controller-port=" + config.kafkaControllerPort(), "--postgres-port=" + config.postgresPort(),
                "--ledger-port=" + config.ledgerPort(), "--projection-port=" + config.projectionPort());
    }

    private void audit(PipelineDrain drain) throws Exception {
        if (options.replayEvents() > 0) {
            ReplayBenchmark.fill(config, drain, options.replayEvents());
        }
        SealCost.Result seal = SealCost.measure(200_000);
        AuditBenchmark.Result verify = AuditBenchmark.run(config);
        List<String> rows = new java.util.ArrayList<>();
        for (int i = 0; i < verify.rounds().size(); i++) {
            AuditBenchmark.Round round = verify.rounds().get(i);
            rows.add(format("| %d | %.1f | %,.0f | %.1f | %,.0f | %.2f | %.2f | %d |", i + 1, round.plainSeconds(),
                    verify.records() / round.plainSeconds(), round.verifySeconds(), verify.records() / round.verifySeconds(),
                    round.plainSeconds() / round.verifySeconds(), verify.rawSeconds() / round.verifySeconds(),
                    round.exitCode()));
        }
        report.section("Audit: verify, and the cost of sealing", String.join("\n",
                format("%,d records on the topic. A plain consumer in the benchmark's JVM read them in %.1f s (%,.0f/s);"
                        + " each round then read them with a plain consumer in a JVM of its own, started as the auditor's"
                        + " is (`%s`, cold, seconds from its start to its exit), and ran `auditor verify`.",
                        verify.records(), verify.rawSeconds(), verify.rawRate(), verify.heap()),
                verify.rounds().stream().allMatch(r -> r.exitCode() == 0) ? ""
                        : "\n**`auditor verify` did not verify the topic in every round** (exit code other than 0 below):"
                        + " the times of those rounds are not a verify's, and the medians are not figures. Its output is"
                        + " at the end of this section.\n",
                "| Round | Plain read, own JVM (s) | Read/s | `auditor verify` (s) | Verified/s | Verify / own-JVM read |"
                        + " Verify / in-JVM read | Exit code |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|",
                String.join("\n", rows),
                format("| **median** | %.1f | %,.0f | %.1f | **%,.0f** | **%.2f** | %.2f | |",
                        verify.median(AuditBenchmark.Round::plainSeconds),
                        verify.records() / verify.median(AuditBenchmark.Round::plainSeconds),
                        verify.median(AuditBenchmark.Round::verifySeconds),
                        verify.records() / verify.median(AuditBenchmark.Round::verifySeconds),
                        verify.median(r -> r.plainSeconds() / r.verifySeconds()),
                        verify.median(r -> verify.rawSeconds() / r.verifySeconds())),
                "",
                format("Sealing one event into its chain (what the aggregate adds to an append: envelope, JSON tree, RFC 8785"
                        + " canonical form, SHA-256), measured alone over %,d sample offers after as many for warm-up:"
                        + " **%.1f µs per event**.", seal.events(), seal.microsPerEvent()),
                "",
                format("`auditor verify` ran as an auditor runs it: `java %s -jar auditor-…-exec.jar verify`, its own JVM."
                        + " The filled records are offers of distinct agreements (one event each), the worst case for"
                        + " its memory (one chain per agreement).", verify.heap()),
                "",
                "The auditor's summary:",
                "",
                "```",
                verify.lastLines(),
                "```"));
    }

    private void replay(LocalStack stack, PipelineDrain drain) throws Exception {
        ReplayBenchmark.Result result = ReplayBenchmark.run(config, identity, drain, options.replayEvents(), stack,
                options.profile() ? new Profile(config.postgresHostPort()) : null);
        report.section("Rebuild of every view from the topic", String.join("\n",
                "| Records on the topic | Records replayed | Rebuild (s) | Events/s | Rebuilt = live |",
                "|---:|---:|---:|---:|---|",
                format("| %,d | %,d | %.1f | %,.0f | %s |", result.recordsOnTopic(), result.recordsReplayed(),
                        result.seconds(), result.eventsPerSecond(), result.identical() ? "yes" : "**no**"),
                "",
                format("The topic was filled with offers of new agreements written straight to it (%,d records in"
                        + " %.1f s), as the ledger publishes them; the live projection consumed them first (%.1f s after"
                        + " the last was written: %,.0f events/s while the writing lasted and after). The rebuild replays"
                        + " every record into a twin schema, compares it with the live views row for row and swaps it"
                        + " in. Its steps (ms): `%s`.", result.written(), result.fillSeconds(), result.projectSeconds(),
                        result.written() / (result.fillSeconds() + result.projectSeconds()), result.phaseMillis()),
                "",
                format("CPU during the rebuild (utime + stime from `/proc`, PostgreSQL's postmaster and every backend):"
                                + " projection-service %.1f s, PostgreSQL %.1f s.",
                        result.cpuSeconds().get(ReplayBenchmark.PROJECTION), result.cpuSeconds().get(ReplayBenchmark.POSTGRES)),
                result.profile() == null ? "" : "\nWith `--profile`, PostgreSQL over the rebuild:\n\n" + result.profile()));
    }

    private String setup() {
        int payload = SampleEvent.offeredEvent(UUID.randomUUID().toString()).length;
        return String.join("\n",
                format("- Throughput: closed loop (each client sends one request and waits for its answer) at %s clients,"
                                + " each level of each path %d times, interleaved; per window %d s settle, then %d s counted."
                                + " Each path warmed up first until its rate stopped rising and the loaded service's JIT"
                                + " was done (at least %d s, at most %d s),"
                                + " and the ledger's paths again after each restart.",
                        options.levels(), options.repeats(), options.settleSeconds(), options.seconds(), options.warmupSeconds(),
                        options.warmupMaxSeconds()),
                "- Ledger (`ledger-key`, `ledger`): `POST /agreements` with and without a fresh `Idempotency-Key`, 201"
                        + " expected (anything else is an error); one `java.net.http.HttpClient` (HTTP/1.1 keep-alive) per"
                        + " client. The event is committed to PostgreSQL before the answer; publication to Kafka follows"
                        + " asynchronously. The ledger runs with group commit on and off (`ledger.group-commit.enabled`,"
                        + " a restart between them).",
                "- In-process (`in-process`): threads inside the ledger send the same offer through Axon's"
                        + " `CommandGateway` (benchmark-only endpoint, `ledger.benchmark.in-process=true`): no HTTP, no"
                        + " token, no JSON per command; same aggregate, event store, group commit and publication.",
                "- REST floor (`floor`): module rest-floor, a Spring Boot app with the ledger's web and security stack"
                        + " (service-security, same JWT validation, actuator) and the services' JVM options, doing one"
                        + " autocommitted INSERT of the request's JSON per `POST /agreements` into the ledger's database,"
                        + " with time-ordered (UUID v7) ids as the ledger makes.",
                format("- JDBC baseline: one `INSERT` of the same AgreementOffered JSON (%d bytes) into `bench_raw_events`"
                        + " (jsonb payload; identity key, unique aggregate id + sequence and unique event id, like Axon's"
                        + " `domainevententry`; UUID v7 ids, as the ledger's), autocommit so one transaction per row, one connection per thread, same"
                        + " PostgreSQL server and durability settings as the ledger.", payload),
                format("- Kafka baseline: `KafkaProducer<String, byte[]>` with acks=all, enable.idempotence=true, linger.ms=0;"
                        + " one producer shared by the threads of a level (a producer is thread-safe and meant to be shared,"
                        + " as the ledger's publisher does); each thread sends one %d-byte record and waits for its"
                        + " acknowledgement. Topic `%s`, %d partitions, same broker. A single broker acknowledges acks=all"
                        + " once the record is in its page cache: Kafka does not fsync per record, PostgreSQL fsyncs every"
                        + " commit.", payload, RawBaselines.TOPIC, RawBaselines.TOPIC_PARTITIONS),
                "- Before every measurement the benchmark waits until the ledger has published every appended event"
                        + " and the projection has consumed every published record, so no backlog competes for the CPU.",
                "- The benchmark JVM is the stack's launcher: it hosts the Kafka broker as `LocalStack` does, and"
                        + " coordinates. The throughput load comes from a load generator in a JVM of its own; the latency,"
                        + " history, replay and audit phases send from the benchmark JVM.");
    }

    private List<ClosedLoop.Client> ledgerClients(int count) {
        return ledgerClients(count, false);
    }

    /** Offering clients, each with a fresh {@code Idempotency-Key} on every offer when {@code withKey}. */
    private List<ClosedLoop.Client> ledgerClients(int count, boolean withKey) {
        while (offeringClients.size() < count) {
            offeringClients.add(new LedgerHttp(config, identity));
        }
        List<ClosedLoop.Client> clients = new ArrayList<>();
        for (LedgerHttp http : offeringClients.subList(0, count)) {
            clients.add(() -> http.offer(withKey));
        }
        return clients;
    }

    private void reportMemory(StackMemory.Snapshot idle, StackMemory.Snapshot underLoad) {
        List<List<String>> rows = new ArrayList<>();
        for (String component : StackMemory.COMPONENTS) {
            String name = component;
            if (component.equals(StackMemory.POSTGRES)) {
                name = component + format(" (%d processes idle, %s under load)", idle.postgresProcesses(),
                        underLoad == null ? "n/a" : Integer.toString(underLoad.postgresProcesses()));
            }
            rows.add(List.of(name, mib(idle, component), mib(underLoad, component)));
        }
        rows.add(List.of("**Total**", "**" + Report.mib(idle.totalKib()) + "**",
                underLoad == null ? "n/a" : "**" + Report.mib(underLoad.totalKib()) + "**"));
        boolean fallback = idle.rssFallback() || (underLoad != null && underLoad.rssFallback());
        report.section("Memory (PSS, MiB)",
                Report.table(List.of("Process", "Idle", format("Under load (%d clients)", options.topLevel())), rows)
                        + "\n" + format("Under the 1 GiB target: idle %s, under load %s.%n",
                        underTarget(idle), underLoad == null ? "n/a" : underTarget(underLoad))
                        + format("%nPSS from `/proc/<pid>/smaps_rollup`, so memory shared between processes (PostgreSQL's"
                                + " shared buffers) counts once. Idle: %d s after start, before any load. Under load: the"
                                + " largest of the samples taken every second during the %d-client windows of the ledger with an"
                                + " Idempotency-Key and group commit %s. The load generator and the REST floor are not the"
                                + " stack's and are not counted, nor are the PostgreSQL backends of the floor's pool and of the"
                                + " benchmark's own connections (by application_name); the launcher JVM also runs the benchmark's coordinator"
                                + " (report, drain checks), a few MiB.%n",
                        IDLE_SETTLE.toSeconds(), options.topLevel(), options.memorySetting())
                        + (fallback ? "\nSome processes had no readable PSS; their RSS was counted instead.\n" : ""));
    }

    private void latency(PipelineDrain drain) throws Exception {
        try (TopicTail tail = new TopicTail(config.kafkaBootstrap());
             ViewObserver observer = ViewObserver.of(options.viewObserver(), config, identity)) {
            latency(drain, tail, observer);
        }
    }

    private void latency(PipelineDrain drain, TopicTail tail, ViewObserver observer) throws Exception {
        LedgerHttp ledger = new LedgerHttp(config.ledgerUrl(), config, identity, ViewObserver.SAMPLE_COUNTRY,
                ViewObserver.SAMPLE_PARTNER);
        drain.await();
        progress("Command-to-projection latency: %d offers, idle", options.latencySamples());
        // Unrecorded rounds first: the projection's query path has not served a request yet.
        timeToProjection(ledger, observer, tail, Math.min(50, options.latencySamples()));
        Latency idle = timeToProjection(ledger, observer, tail, options.latencySamples());

        drain.await();
        progress("Command-to-projection latency: %d offers, with %d clients offering in the background",
                options.latencySamples(), BACKGROUND_CLIENTS);
        UnderLoad closedLoop = underLoad(ClosedLoop.background("background", ledgerClients(BACKGROUND_CLIENTS)),
                options.warmupSeconds(), ledger, observer, tail);
        Latency loaded = closedLoop.latency();
        ClosedLoop.Result backgroundLoad = closedLoop.load();

        List<List<String>> rows = new ArrayList<>();
        List<List<String>> steps = new ArrayList<>();
        rows.add(latencyRow("idle", idle));
        steps.add(stepsRow("idle", idle));
        String underLoad = format("under load (%d clients, %.0f offers/s, %d errors)", BACKGROUND_CLIENTS,
                backgroundLoad.perSecond(), backgroundLoad.errors());
        rows.add(latencyRow(underLoad, loaded));
        steps.add(stepsRow(underLoad, loaded));
        // The condition: 80 % of the ledger's maximum, measured here with the same clients and settings; the
        // maximum and the paced load again in each round, since a p99 of 300 samples moves from round to round
        int top = options.topLevel();
        List<Latency> latencies = new ArrayList<>(List.of(idle, loaded));
        List<Double> p99s = new ArrayList<>();
        Latency pooled = new Latency(new Histogram(3), new Histogram(3), new Histogram(3), new Histogram(3), 0, null);
        for (int round = 1; round <= options.repeats(); round++) {
            drain.await();
            progress("Command-to-projection latency, round %d/%d: the ledger's maximum with %d clients (Idempotency-Key),"
                    + " %d s", round, options.repeats(), top, options.seconds());
            ClosedLoop.Result max = ClosedLoop.run("maximum", ledgerClients(top, true),
                    Duration.ofSeconds(options.settleSeconds()), Duration.ofSeconds(options.seconds()));
            double target = LOAD_SHARE * max.perSecond();
            drain.await();
            progress("Command-to-projection latency, round %d/%d: %d offers at %.0f offers/s in the background (%.0f %% of"
                    + " %.0f/s)", round, options.repeats(), options.latencySamples(), target, LOAD_SHARE * 100, max.perSecond());
            UnderLoad paced = underLoad(ClosedLoop.paced("paced", ledgerClients(2 * top, true), target),
                    options.settleSeconds(), ledger, observer, tail);
            Latency atShare = paced.latency();
            ClosedLoop.Result pacedLoad = paced.load();
            String condition = format("at %.0f %% of the maximum, round %d (%.0f offers/s paced against a maximum of"
                            + " %.0f/s with %d clients; %d errors)", 100 * pacedLoad.perSecond() / max.perSecond(), round,
                    pacedLoad.perSecond(), max.perSecond(), top, pacedLoad.errors());
            rows.add(latencyRow(condition, atShare));
            steps.add(stepsRow(format("at %.0f %%, round %d", 100 * pacedLoad.perSecond() / max.perSecond(), round),
                    atShare));
            latencies.add(atShare);
            p99s.add(atShare.micros().getValueAtPercentile(99) / 1000.0);
            for (int step = 0; step < STEPS.size(); step++) {
                pooled.steps().get(step).add(atShare.steps().get(step));
            }
        }
        List<Double> sorted = p99s.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        // A round's p99 is its third-worst sample of 300; all rounds' samples together rank the tail more finely
        String summary = format("%nAt %.0f %% of the maximum, p99 over %d rounds: **median %.1f ms** (%.1f–%.1f); p99 of"
                        + " the rounds' %d samples together: **%.1f ms**, of which the ledger's answer alone: p99 %.1f ms.%n",
                LOAD_SHARE * 100, sorted.size(), median, sorted.get(0), sorted.get(sorted.size() - 1),
                pooled.micros().getTotalCount(), pooled.micros().getValueAtPercentile(99) / 1000.0,
                pooled.answeredMicros().getValueAtPercentile(99) / 1000.0);
        StringBuilder failures = new StringBuilder();
        for (Latency latency : latencies) {
            if (latency.failures() > 0) {
                failures.append(format("%n%d samples failed; first: `%s`%n", latency.failures(), latency.firstFailure()));
            }
        }
        report.section("Command to projection (ms)",
                Report.table(List.of("Condition", "Samples", "p50", "p90", "p99", "max", "answer p50", "answer p99"), rows)
                        + format("%nFrom just before `POST /agreements` to %s (answer: from the same start to the"
                                + " ledger's 201, the command's own share). Offers one at a time, %d ms apart, by %s's"
                                + " service to %s (no load's offer is between these two). The maximum: %d clients in a"
                                + " closed loop, offers with an Idempotency-Key, %d s counted after %d s, just before;"
                                + " the load at %.0f %% of it:"
                                + " %d clients each sending at most one keyed offer per slot, together at %.0f %% of"
                                + " that rate, with %d s to settle before the samples (the rate reached is the one"
                                + " shown, without the samples' own offers).%n", observer.description(),
                        LATENCY_PAUSE.toMillis(), ViewObserver.SAMPLE_COUNTRY, ViewObserver.SAMPLE_PARTNER, top,
                        options.seconds(), options.settleSeconds(), LOAD_SHARE * 100,
                        2 * top, LOAD_SHARE * 100, options.settleSeconds())
                        + summary + failures
                        + format("%nWhere the time goes: from the same start to each step, p50 / p99 (ms). *Answered*: the"
                                + " ledger's 201; *sent*: the publisher's send to Kafka (the record's CreateTime);"
                                + " *readable*: the record received by a read_committed reader of the topic in the"
                                + " benchmark (its Kafka transaction committed); *in the view*: as above. The rounds at"
                                + " %.0f %% together: %s.%n%n", LOAD_SHARE * 100, pooledSteps(pooled))
                        + Report.table(Stream.concat(Stream.of("Condition"), STEPS.stream()).toList(), steps));
    }

    private record UnderLoad(Latency latency, ClosedLoop.Result load) {
    }

    /** The samples' latency while {@code load} runs, after it has run for {@code settleSeconds}; then stops it. */
    private UnderLoad underLoad(ClosedLoop load, int settleSeconds, LedgerHttp ledger, ViewObserver observer,
                                TopicTail tail) throws InterruptedException {
        Latency latency;
        ClosedLoop.Result result;
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
            latency = timeToProjection(ledger, observer, tail, options.latencySamples());
        } finally {
            result = load.stop();
        }
        return new UnderLoad(latency, result);
    }

    private Latency timeToProjection(LedgerHttp ledger, ViewObserver observer, TopicTail tail, int samples)
            throws InterruptedException {
        Histogram micros = new Histogram(3);
        Histogram answered = new Histogram(3);
        Histogram sent = new Histogram(3);
        Histogram readable = new Histogram(3);
        int failures = 0;
        int consecutiveTimeouts = 0;
        String firstFailure = null;
        tail.clear();
        for (int i = 0; i < samples && consecutiveTimeouts < MAX_CONSECUTIVE_TIMEOUTS; i++) {
            long start = System.nanoTime();
            // the record's timestamps are the ledger's wall clock, the same clock as this one on this machine
            long startedAt = System.currentTimeMillis();
            try {
                String agreementId = ledger.offer();
                answered.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                long visible = observer.awaitVisible(agreementId, start + PROJECTION_TIMEOUT.toNanos());
                micros.recordValue(TimeUnit.NANOSECONDS.toMicros(visible - start));
                consecutiveTimeouts = 0;
                TopicTail.Seen seen = tail.awaitFirstEvent(agreementId);
                if (seen != null) {
                    sent.recordValue(TimeUnit.MILLISECONDS.toMicros(Math.max(0, seen.sentAt() - startedAt)));
                    readable.recordValue(TimeUnit.MILLISECONDS.toMicros(Math.max(0, seen.readAt() - startedAt)));
                }
            } catch (IOException | TimeoutException e) {
                failures++;
                consecutiveTimeouts = e instanceof TimeoutException ? consecutiveTimeouts + 1 : 0;
                if (firstFailure == null) {
                    firstFailure = e.getMessage();
                }
            }
            Thread.sleep(LATENCY_PAUSE.toMillis());
        }
        return new Latency(micros, answered, sent, readable, failures, firstFailure);
    }

    private static List<String> latencyRow(String condition, Latency latency) {
        Histogram micros = latency.micros();
        Histogram answered = latency.answeredMicros();
        return List.of(condition, Long.toString(micros.getTotalCount()),
                millis(micros.getValueAtPercentile(50)), millis(micros.getValueAtPercentile(90)),
                millis(micros.getValueAtPercentile(99)), millis(micros.getMaxValue()),
                millis(answered.getValueAtPercentile(50)), millis(answered.getValueAtPercentile(99)));
    }

    private static String pooledSteps(Latency pooled) {
        List<String> parts = new ArrayList<>();
        for (int step = 0; step < STEPS.size(); step++) {
            parts.add(format("%s p99 %s ms", STEPS.get(step), millis(pooled.steps().get(step).getValueAtPercentile(99))));
        }
        return String.join(", ", parts);
    }

    private static List<String> stepsRow(String condition, Latency latency) {
        List<String> row = new ArrayList<>(List.of(condition));
        for (Histogram step : latency.steps()) {
            row.add(step.getTotalCount() == 0 ? "n/a" : millis(step.getValueAtPercentile(50)) + " / "
                    + millis(step.getValueAtPercentile(99)));
        }
        return row;
    }

    private void history(PipelineDrain drain) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        TreeMap<Integer, Double> medianBySize = new TreeMap<>();
        for (int size : options.historySizes()) {
            drain.await();
            LedgerHttp http = new LedgerHttp(config, identity);
            String agreementId = http.offer();
            int amendments = size - 1;
            progress("History of %d events: appending %d amendments with %d clients", size, amendments, HISTORY_BUILDERS);
            long buildStart = System.nanoTime();
            long buildErrors = buildHistory(agreementId, amendments);
            double buildSeconds = (System.nanoTime() - buildStart) / 1e9;

            drain.await();
            progress("History of %d events: timing %d sequential amendments", size, TIMED_AMENDMENTS);
            Histogram micros = new Histogram(3);
            long version = -1;
            for (int i = 0; i < TIMED_AMENDMENTS; i++) {
                long start = System.nanoTime();
                version = http.amend(agreementId);
                micros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
            }
            // The offer is sequence 0, so after n amendments the version is n.
            long expectedVersion = (long) amendments + TIMED_AMENDMENTS;
            if (version != expectedVersion) {
                notes.add(format("- history of %d: the last amendment reported version %d, expected %d",
                        size, version, expectedVersion));
            }
            if (buildErrors > 0) {
                notes.add(format("- history of %d: %d amendments failed while building and were retried", size, buildErrors));
            }
            medianBySize.put(size, micros.getValueAtPercentile(50) / 1000.0);
            rows.add(List.of(format("%,d", size),
                    amendments == 0 ? "n/a" : format("%.0f", amendments / buildSeconds),
                    format("%.1f", micros.getMean() / 1000.0), millis(micros.getValueAtPercentile(50)),
                    millis(micros.getValueAtPercentile(99)), millis(micros.getMaxValue())));
            progress("History of %d events: p50 %s ms", size, millis(micros.getValueAtPercentile(50)));
        }
        String flatness = medianBySize.size() < 2 ? "" : format("%nThe p50 with the longest history is %s times the p50"
                + " with the shortest.%n", Report.ratio(medianBySize.lastEntry().getValue(), medianBySize.firstEntry().getValue()));
        report.section("One command on a long history (ms)",
                Report.table(List.of("Events in history", "Build (amendments/s)", "Mean", "p50", "p99", "max"), rows)
                        + format("%nEach history is one agreement: an offer, then amendments (`POST"
                                + " /agreements/{id}/amendments`) from %d concurrent clients, which the ledger serialises on"
                                + " the aggregate. Then, once the pipeline has drained, %d sequential amendments are timed."
                                + " The ledger snapshots every 100 events, so the cost should not grow with the history.%n",
                        HISTORY_BUILDERS, TIMED_AMENDMENTS)
                        + flatness
                        + (notes.isEmpty() ? "" : "\n" + String.join("\n", notes) + "\n"));
    }

    /**
     * Appends {@code amendments} amendments from several clients. Each client claims one amendment at a time
     * and retries it until the ledger accepts it; returns how many attempts failed.
     */
    private long buildHistory(String agreementId, int amendments) throws Exception {
        AtomicInteger unclaimed = new AtomicInteger(amendments);
        AtomicInteger done = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long maxErrors = 100 + amendments / 100L;
        ExecutorService builders = Executors.newFixedThreadPool(HISTORY_BUILDERS);
        long start = System.nanoTime();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < HISTORY_BUILDERS; i++) {
                LedgerHttp http = new LedgerHttp(config, identity);
                tasks.add(builders.submit(() -> {
                    while (unclaimed.getAndDecrement() > 0) {
                        while (true) {
                            try {
                                http.amend(agreementId);
                                done.incrementAndGet();
                                break;
                            } catch (IOException e) {
                                firstError.compareAndSet(null, e.getMessage());
                                if (errors.incrementAndGet() > maxErrors) {
                                    return null;
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            builders.shutdown();
            while (!builders.awaitTermination(10, TimeUnit.SECONDS)) {
                progress("  %,d of %,d amendments (%.0f/s)", done.get(), amendments,
                        done.get() / ((System.nanoTime() - start) / 1e9));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            builders.shutdownNow();
        }
        if (done.get() < amendments) {
            throw new IllegalStateException("building the history stopped after " + done.get() + " of " + amendments
                    + " amendments and " + errors.get() + " failures; first: " + firstError.get());
        }
        return errors.get();
    }

    private static StackMemory.Snapshot larger(StackMemory.Snapshot a, StackMemory.Snapshot b) {
        if (a == null) {
            return b;
        }
        return b != null && b.totalKib() > a.totalKib() ? b : a;
    }

    private static String mib(StackMemory.Snapshot snapshot, String component) {
        if (snapshot == null || !snapshot.kib().containsKey(component)) {
            return "n/a";
        }
        return Report.mib(snapshot.kib().get(component));
    }

    private static String underTarget(StackMemory.Snapshot snapshot) {
        return (snapshot.totalKib() < GIB_IN_KIB ? "yes" : "**no**") + " (" + Report.mib(snapshot.totalKib()) + " MiB)";
    }

    private static String millis(long micros) {
        return format("%.1f", micros / 1000.0);
    }

    private static void firstError(List<String> errors, String path, int clients, ClosedLoop.Result result) {
        if (result.errors() > 0) {
            errors.add(format("- %s, %d clients: `%s`", path, clients, result.firstError()));
        }
    }

    private static void logResult(String path, int clients, ClosedLoop.Result result) {
        progress("%s, %d clients: %.0f ops/s, %d errors%s", path, clients, result.perSecond(), result.errors(),
                result.firstError() == null ? "" : " (first: " + result.firstError() + ")");
    }

    private static String bullets(List<List<String>> rows) {
        StringBuilder list = new StringBuilder();
        for (List<String> row : rows) {
            list.append("- ").append(row.get(0)).append(": ").append(row.get(1)).append('\n');
        }
        return list.toString();
    }

    private static List<String> describe(BenchmarkOptions options) {
        List<String> parts = new ArrayList<>(List.of(
                "--seconds=" + options.seconds(),
                "--warmup-seconds=" + options.warmupSeconds(),
                "--warmup-max-seconds=" + options.warmupMaxSeconds(),
                "--latency-samples=" + options.latencySamples(),
                "--settle-seconds=" + options.settleSeconds(),
                "--repeats=" + options.repeats(),
                "--group-commit=" + String.join(",", options.groupCommitSettings().stream().map(on -> on ? "on" : "off").toList()),
                "--history-sizes=" + join(options.historySizes()),
                "--levels=" + join(options.levels())));
        if (options.keepData()) {
            parts.add("--keep-data");
        }
        if (options.profile()) {
            parts.add("--profile");
        }
        return parts;
    }

    private static String join(List<Integer> numbers) {
        return String.join(",", numbers.stream().map(Object::toString).toList());
    }

    static void progress(String pattern, Object... args) {
        System.out.println("[bench " + LocalTime.now().format(CLOCK) + "] " + String.format(Locale.ROOT, pattern, args));
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            progress("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
