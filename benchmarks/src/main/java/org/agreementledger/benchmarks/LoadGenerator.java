package org.agreementledger.benchmarks;

import org.HdrHistogram.Histogram;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.StackConfig;
import org.apache.kafka.clients.producer.Producer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's load generator, in a JVM of its own, so that its CPU and memory are neither the stack's nor the
 * broker's and can be measured apart. The coordinator ({@link Remote}) sends one line per measured window,
 * {@code <path> <clients> <warm-up s> <window s>}, and reads back when the counted window opens and closes (it reads
 * the processes' CPU then) and the result. Paths: {@code ledger}, {@code ledger-key} (an Idempotency-Key on every
 * offer), {@code floor} (the REST floor), {@code jdbc}, {@code kafka}. HTTP clients are kept from window to window,
 * so each keeps its connection as a real caller would.
 */
final class LoadGenerator {

    private static final String PREFIX = "@bench ";

    /** What one window counted; latencies in microseconds. */
    record Measured(long ok, long errors, double seconds, long p50Micros, long p99Micros, String firstError) {
        double perSecond() {
            return seconds > 0 ? ok / seconds : 0;
        }
    }

    private final StackConfig config;
    private final LocalIdentityProvider identity;
    private final String floorUrl;
    private final String jdbcUrl;
    private final List<LedgerHttp> ledgerClients = new ArrayList<>();
    private final List<LedgerHttp> floorClients = new ArrayList<>();

    private LoadGenerator(StackConfig config, String floorUrl) {
        this.config = config;
        this.identity = LocalIdentityProvider.loadOrCreate(config.dataDir().toAbsolutePath().resolve("keys"));
        this.floorUrl = floorUrl;
        this.jdbcUrl = RawBaselines.jdbcUrl(config);
    }

    /** Arguments: the stack's (as StackConfig parses them); system property bench.floor-url. */
    public static void main(String[] args) throws Exception {
        // stdout carries the protocol; everything else (logging) goes to stderr
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        LoadGenerator generator = new LoadGenerator(StackConfig.parse(args), System.getProperty("bench.floor-url"));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            String[] parts = line.trim().split(" ");
            Measured m = generator.run(parts[0], Integer.parseInt(parts[1]), Duration.ofSeconds(Long.parseLong(parts[2])),
                    Duration.ofSeconds(Long.parseLong(parts[3])), () -> protocol.println(PREFIX + "OPEN"),
                    () -> protocol.println(PREFIX + "CLOSE"));
            protocol.println(PREFIX + "RESULT " + m.ok() + " " + m.errors() + " " + m.seconds() + " " + m.p50Micros() + " "
                    + m.p99Micros() + " " + (m.firstError() == null ? "-" : m.firstError().replaceAll("\\s+", " ")));
        }
        System.exit(0);
    }

    private Measured run(String path, int clients, Duration warmup, Duration window, Runnable opens, Runnable closes)
            throws Exception {
        ClosedLoop.Result result = switch (path) {
            case "ledger", "ledger-key" -> ClosedLoop.run(path, http(ledgerClients, config.ledgerUrl(), clients,
                    path.equals("ledger-key")), warmup, window, opens, closes);
            case "floor" -> ClosedLoop.run(path, http(floorClients, floorUrl, clients, false), warmup, window, opens, closes);
            case "jdbc" -> jdbc(clients, warmup, window, opens, closes);
            case "kafka" -> kafka(clients, warmup, window, opens, closes);
            default -> throw new IllegalArgumentException("unknown path " + path);
        };
        Histogram micros = result.micros();
        return new Measured(result.ok(), result.errors(), result.seconds(), micros.getValueAtPercentile(50),
                micros.getValueAtPercentile(99), result.firstError());
    }

    private List<ClosedLoop.Client> http(List<LedgerHttp> pool, String url, int count, boolean withKey) {
        while (pool.size() < count) {
            pool.add(new LedgerHttp(url, config, identity));
        }
        List<ClosedLoop.Client> list = new ArrayList<>();
        for (LedgerHttp http : pool.subList(0, count)) {
            list.add(() -> http.offer(withKey));
        }
        return list;
    }

    private ClosedLoop.Result jdbc(int threads, Duration warmup, Duration window, Runnable opens, Runnable closes)
            throws Exception {
        List<RawBaselines.JdbcInserter> inserters = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                inserters.add(new RawBaselines.JdbcInserter(jdbcUrl));
            }
            return ClosedLoop.run("jdbc", inserters, warmup, window, opens, closes);
        } finally {
            for (RawBaselines.JdbcInserter inserter : inserters) {
                inserter.close();
            }
        }
    }

    private ClosedLoop.Result kafka(int threads, Duration warmup, Duration window, Runnable opens, Runnable closes)
            throws InterruptedException {
        Producer<String, byte[]> producer = RawBaselines.newProducer(config.kafkaBootstrap());
        try {
            List<ClosedLoop.Client> senders = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                senders.add(RawBaselines.kafkaSender(producer));
            }
            return ClosedLoop.run("kafka", senders, warmup, window, opens, closes);
        } finally {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** The coordinator's side: starts the generator's JVM and runs windows on it. */
    static final class Remote implements AutoCloseable {

        private final Process process;
        private final BufferedReader out;
        private final PrintStream in;

        Remote(List<String> stackArgs, String floorUrl, Path log) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dbench.floor-url=" + floorUrl,
                    "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                    "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName()));
            command.addAll(stackArgs);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        long pid() {
            return process.pid();
        }

        /** Runs one window; {@code opens} and {@code closes} run here when the generator's counted window does. */
        Measured run(String path, int clients, Duration warmup, Duration window, Runnable opens, Runnable closes)
                throws IOException {
            in.println(path + " " + clients + " " + warmup.toSeconds() + " " + window.toSeconds());
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith(PREFIX)) {
                    continue;
                }
                String[] parts = line.substring(PREFIX.length()).split(" ", 7);
                switch (parts[0]) {
                    case "OPEN" -> opens.run();
                    case "CLOSE" -> closes.run();
                    case "RESULT" -> {
                        return new Measured(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Double.parseDouble(parts[3]),
                                Long.parseLong(parts[4]), Long.parseLong(parts[5]), parts[6].equals("-") ? null : parts[6]);
                    }
                    default -> throw new IOException("unexpected line from the load generator: " + line);
                }
            }
            throw new IOException("the load generator exited with " + waitFor() + "; see its log");
        }

        private int waitFor() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            in.close();
            process.destroy();
        }
    }
}
