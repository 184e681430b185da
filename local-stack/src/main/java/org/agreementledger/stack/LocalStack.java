package org.agreementledger.stack;

import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.infra.EmbeddedKafkaBroker;
import org.agreementledger.infra.EmbeddedPostgresServer;
import org.agreementledger.infra.LocalIdentityProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The whole Agreement Ledger on one machine with nothing installed: a real PostgreSQL and a real KRaft
 * Kafka broker in this process, the ledger-service and the projection-service as child processes.
 * Data lives under the data directory, so a restart keeps the history. Ctrl-C stops everything. Nothing outlives
 * the launcher, even killed (see {@link ServiceProcess}, {@link PostmasterWatchdog}), and a launcher stops what an
 * earlier one of the same data directory left running before it starts anything ({@link RunDirectory}).
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final StackConfig config;
    private final Map<String, String> postgresSettings;
    private final List<String> ledgerArgs = new ArrayList<>();
    /** The local witness's signer key, in the data directory's {@code keys}. */
    public static final String WITNESS_KEY = "witness.key";
    private final List<AutoCloseable> started = new ArrayList<>();
    private LocalIdentityProvider identity;
    private RunDirectory run;
    private EmbeddedPostgresServer postgres;
    private PostmasterWatchdog postmasterWatchdog;
    private EmbeddedKafkaBroker kafka;
    private ServiceProcess ledger;
    private ServiceProcess projection;
    private volatile boolean closing;

    private LocalStack(StackConfig config, Map<String, String> postgresSettings) {
        this.config = config;
        this.postgresSettings = Map.copyOf(postgresSettings);
    }

    public static void main(String[] args) throws Exception {
        StackConfig config;
        try {
            config = StackConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        String command = config.command().isEmpty() ? "run" : config.command().get(0);
        if (command.equals("rebuild")) {
            System.exit(Rebuild.run(config));
            return;
        }
        if (command.equals("token")) {
            System.exit(LocalTokens.mintFromCommandLine(config));
            return;
        }
        if (command.equals("scenario")) {
            try {
                LocalIdentityProvider identity = LocalIdentityProvider.loadOrCreate(config.dataDir().toAbsolutePath().resolve("keys"));
                new Scenario(config.ledgerUrl(), LocalTokens.countryTokens(identity), System.out).run();
                System.out.println("\nSee them in the projection: " + config.projectionUrl() + "/agreements");
                return;
            } catch (RuntimeException e) {
                System.err.println("The scenario failed: " + e.getMessage());
                System.exit(1);
            }
        }
        if (!command.equals("run")) {
            System.err.println("unknown command '" + command + "'\n" + StackConfig.USAGE);
            System.exit(2);
        }
        long startedAt = System.nanoTime();
        LocalStack stack;
        try {
            stack = start(config);
        } catch (RuntimeException e) {
            log.error("The local stack did not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping the local stack…");
            stack.close();
            log.info("Stopped. The data stays in {}", stack.config().dataDir().toAbsolutePath());
            stopped.countDown();
        }, "local-stack-shutdown"));
        // tokens.env is written before "is up" is printed, so a script that waits for that line can source it
        stack.printTokens();
        stack.printAddresses(Duration.ofNanos(System.nanoTime() - startedAt));
        stack.superviseServices();
        stopped.await();
    }

    /** Starts everything and returns once both services report UP. */
    public static LocalStack start(StackConfig config) {
        return start(config, Map.of());
    }

    /** As {@link #start(StackConfig)}, with further PostgreSQL settings (the benchmark loads pg_stat_statements). */
    public static LocalStack start(StackConfig config, Map<String, String> postgresSettings) {
        LocalStack stack = new LocalStack(config, postgresSettings);
        try {
            stack.startInfrastructure();
            stack.startServices();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startInfrastructure() {
        Path data = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data directory " + data, e);
        }
        run = RunDirectory.claim(data);
        started.add(run);
        if (config.externalPostgres().isEmpty()) {
            EmbeddedPostgresServer.stopLeftOver(data.resolve("postgres"));
        }
        Ports.requireFree(portsToListenOn());
        identity = LocalIdentityProvider.loadOrCreate(data.resolve("keys"));
        CompletableFuture<EmbeddedPostgresServer> pg = config.externalPostgres().isPresent()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
                    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data.resolve("postgres"), config.postgresPort(), true,
                            postgresSettings);
                    // at once, so that a launcher killed from now on takes PostgreSQL with it
                    postmasterWatchdog = PostmasterWatchdog.start(server.postmasterPid(), data.resolve("postgres"));
                    try {
                        server.createDatabase("ledger", "ledger", "ledger");
                        server.createDatabase("projection", "projection", "projection");
                    } catch (RuntimeException e) {
                        server.close();
                        throw e;
                    }
                    return server;
                });
        CompletableFuture<EmbeddedKafkaBroker> broker = config.externalKafka().isPresent()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> EmbeddedKafkaBroker.start(data.resolve("kafka"),
                        config.kafkaPort(), config.kafkaControllerPort()));
        RuntimeException failure = null;
        try {
            postgres = pg.join();
        } catch (RuntimeException e) {
            failure = new IllegalStateException("PostgreSQL did not start: " + rootMessage(e), e);
        }
        try {
            kafka = broker.join();
        } catch (RuntimeException e) {
            failure = failure != null ? failure : new IllegalStateException("Kafka did not start: " + rootMessage(e), e);
        }
        if (postgres != null) {
            started.add(postgres);
        }
        if (postmasterWatchdog != null) {
            started.add(postmasterWatchdog);
        }
        if (kafka != null) {
            started.add(kafka);
        }
        if (failure != null) {
            throw failure;
        }
        if (kafka != null) {
            kafka.createTopicIfAbsent(LedgerTopics.AGREEMENT_EVENTS, config.partitions());
        }
    }

    private Map<String, Integer> portsToListenOn() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (config.externalPostgres().isEmpty()) {
            ports.put("postgres-port", config.postgresPort());
        }
        if (config.externalKafka().isEmpty()) {
            ports.put("kafka-port", config.kafkaPort());
            ports.put("kafka-controller-port", config.kafkaControllerPort());
        }
        ports.put("ledger-port", config.ledgerPort());
        ports.put("projection-port", config.projectionPort());
        return ports;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private void startServices() {
        ledger = startLedger();
        started.add(ledger);
        projection = startProjection();
        started.add(projection);
        ledger.awaitHealthy(Duration.ofSeconds(120));
        projection.awaitHealthy(Duration.ofSeconds(120));
    }

    private ServiceProcess startLedger() {
        String pg = "jdbc:postgresql://" + config.postgresHostPort() + "/";
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + config.ledgerPort(),
                "--spring.datasource.url=" + pg + "ledger",
                "--spring.datasource.username=ledger",
                "--spring.datasource.password=ledger",
                "--ledger.kafka.bootstrap-servers=" + config.kafkaBootstrap(),
                "--ledger.kafka.partitions=" + config.partitions(),
                "--ledger.checkpoints.key-directory=" + config.dataDir().toAbsolutePath().resolve("keys"),
                // a local stack is for trying things: a checkpoint every minute rather than every five
                "--ledger.checkpoints.interval=1m", trustedKey(), issuer(), witness()));
        args.addAll(ledgerArgs);
        return ServiceProcess.start("ledger-service", config.ledgerJar(), run, logs(), config.ledgerPort(), config.ledgerUrl(),
                List.of(), args);
    }

    /**
     * Restarts the ledger-service with these further Spring arguments (replacing those of an earlier call), e.g. the
     * benchmark's {@code --ledger.group-commit.enabled=false}; waits until it is up.
     */
    public synchronized void restartLedger(List<String> extraArgs) {
        ledgerArgs.clear();
        ledgerArgs.addAll(extraArgs);
        started.remove(ledger);
        ledger.close();
        ledger = startLedger();
        started.add(ledger);
        ledger.awaitHealthy(Duration.ofSeconds(120));
    }

    /** The JVM options the stack runs both services with; the benchmark runs its REST floor with the same. */
    public static List<String> serviceJvmOptions() {
        return ServiceProcess.JVM_OPTIONS;
    }

    /** The environment variables the stack adds for both services; the benchmark's REST floor gets the same. */
    public static Map<String, String> serviceEnvironment() {
        return ServiceProcess.ENVIRONMENT;
    }

    private ServiceProcess startProjection() {
        String pg = "jdbc:postgresql://" + config.postgresHostPort() + "/";
        return ServiceProcess.start("projection-service", config.projectionJar(), run, logs(), config.projectionPort(),
                config.projectionUrl(), ServiceProcess.PROJECTION_JVM_OPTIONS, List.of(
                "--server.port=" + config.projectionPort(),
                "--spring.datasource.url=" + pg + "projection",
                "--spring.datasource.username=projection",
                "--spring.datasource.password=projection",
                "--projection.kafka.bootstrap-servers=" + config.kafkaBootstrap(), trustedKey(), issuer()));
    }

    private Path logs() {
        return config.dataDir().toAbsolutePath().resolve("logs");
    }

    private String trustedKey() {
        return "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + identity.publicKeyFile().toAbsolutePath();
    }

    /**
     * A witness to try cosigning with: its signer key is made once in the data directory ({@code keys/witness.key},
     * for {@code auditor witness --witness-key}), and the ledger keeps its cosignatures.
     */
    private String witness() {
        Path file = config.dataDir().toAbsolutePath().resolve("keys").resolve(WITNESS_KEY);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, SignedNote.SignerKey.generate("witness.agreement-ledger.local",
                        SignedNote.COSIGNATURE_V1, new SecureRandom()).encoded() + "\n");
            }
            return "--ledger.transparency-log.witnesses="
                    + SignedNote.SignerKey.parse(Files.readString(file).strip()).verifierKey().encoded();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the local witness key " + file, e);
        }
    }

    private static String issuer() {
        return "--ledger.security.expected-issuer=" + LocalIdentityProvider.ISSUER;
    }

    /** Which service a fault is injected into. */
    public enum Service { LEDGER, PROJECTION }

    /** Kills the service at once (SIGKILL), as a crash or the OOM killer would: no shutdown hook runs. */
    public synchronized void crash(Service service) {
        process(service).kill();
    }

    /** Starts the service again, as an operator or an orchestrator would after a crash, and waits until it is up. */
    public synchronized void restart(Service service) {
        started.remove(process(service));
        ServiceProcess fresh = service == Service.LEDGER ? startLedger() : startProjection();
        started.add(fresh);
        if (service == Service.LEDGER) {
            ledger = fresh;
        } else {
            projection = fresh;
        }
        fresh.awaitHealthy(Duration.ofSeconds(120));
    }

    private void printAddresses(Duration startup) {
        String kafkaLine = config.externalKafka().map(k -> k + " (external)")
                .orElse(config.kafkaBootstrap() + "  topic " + LedgerTopics.AGREEMENT_EVENTS);
        String pgLine = config.externalPostgres().map(p -> p + " (external)")
                .orElse(config.postgresHostPort() + "  databases ledger, projection (fsync on)");
        System.out.printf("""

                Agreement Ledger is up (started in %.1f s)
                  ledger-service      %s   (API docs %s/swagger-ui.html)
                  projection-service  %s
                  Kafka               %s
                  PostgreSQL          %s
                  data                %s
                  logs                %s
                Press Ctrl-C to stop.

                """, startup.toMillis() / 1000.0, config.ledgerUrl(), config.ledgerUrl(), config.projectionUrl(),
                kafkaLine, pgLine, config.dataDir().toAbsolutePath(), ledger.log().getParent());
    }

    /**
     * Ready-to-use tokens for the countries of the February 2025 agreements, an auditor and a dashboard, printed
     * and written to {@code <data>/tokens.env} so that {@code source data/tokens.env} sets them in a shell.
     */
    private void printTokens() {
        Map<String, String> tokens = LocalTokens.presets(identity);
        StringBuilder env = new StringBuilder("# Tokens of the local stack, valid " + LocalTokens.VALIDITY.toDays()
                + " days. Mint more: ./mvnw -q -Pstack -DskipTests package -Dstack.args=\"token <principal> <roles> [country]\"\n");
        tokens.forEach((name, token) -> env.append("export TOKEN_").append(name).append('=').append(token).append('\n'));
        Path file = config.dataDir().toAbsolutePath().resolve("tokens.env");
        try {
            Files.writeString(file, env);
        } catch (IOException e) {
            log.warn("Could not write {}: {}", file, e.getMessage());
        }
        System.out.println("Tokens (also in " + file + "; `source` it, then e.g. curl -H \"Authorization: Bearer $TOKEN_US\"):");
        tokens.forEach((name, token) -> System.out.printf("  TOKEN_%-9s %s%n", name, token));
        System.out.println();
    }

    /** The stack's token issuer, for callers that need to act as a country, an auditor or a dashboard. */
    public LocalIdentityProvider identity() {
        return identity;
    }

    /**
     * A service that dies (out of heap, killed) is started again, as compose's restart policy does, and said so
     * loudly; one that keeps dying takes the stack down with it rather than leaving half a stack ({@link RestartPolicy}).
     */
    private void superviseServices() {
        Map<Service, RestartPolicy> policies = new EnumMap<>(Service.class);
        Thread supervisor = new Thread(() -> {
            while (!closing) {
                for (Service service : Service.values()) {
                    ServiceProcess process = process(service);
                    if (!process.isAlive() && !closing) {
                        revive(service, process, policies.computeIfAbsent(service, s -> new RestartPolicy(System::nanoTime)));
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "service-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void revive(Service service, ServiceProcess dead, RestartPolicy policy) {
        Optional<Duration> wait = policy.died();
        if (wait.isEmpty()) {
            log.error("{} stopped unexpectedly (exit {}) for the {}th time in {} minutes; stopping the stack. See {}",
                    dead.name(), dead.exitValue(), RestartPolicy.MAX_DEATHS + 1, RestartPolicy.WINDOW.toMinutes(), dead.log());
            System.exit(1);
        }
        log.error("{} stopped unexpectedly (exit {}); starting it again{}. See {}", dead.name(), dead.exitValue(),
                wait.get().isZero() ? "" : " in " + wait.get().toSeconds() + " s", dead.log());
        try {
            Thread.sleep(wait.get().toMillis());
            if (!closing) {
                restart(service);
                log.info("{} is up again", dead.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // it died again while starting: the next round counts that death
            log.error("{} did not start again: {}", dead.name(), e.getMessage());
        }
    }

    private synchronized ServiceProcess process(Service service) {
        return service == Service.LEDGER ? ledger : projection;
    }

    public StackConfig config() {
        return config;
    }

    /** PostgreSQL's postmaster: its backends are its children. */
    public long postmasterPid() {
        return postgres.postmasterPid();
    }

    public long ledgerPid() {
        return ledger.pid();
    }

    public long projectionPid() {
        return projection.pid();
    }

    /** Process ids of everything the stack runs: this JVM (Kafka), PostgreSQL's postmaster, both services. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        if (postgres != null) {
            pids.add(postgres.postmasterPid());
        }
        if (ledger != null) {
            pids.add(ledger.pid());
        }
        if (projection != null) {
            pids.add(projection.pid());
        }
        return pids;
    }

    /**
     * Stops the services first, both at once (each may take seconds to write its class data archive), so nothing is
     * left writing, then Kafka, then PostgreSQL; then frees the data directory.
     */
    @Override
    public synchronized void close() {
        closing = true;
        List<ServiceProcess> services = started.stream().filter(ServiceProcess.class::isInstance).map(ServiceProcess.class::cast).toList();
        services.stream().map(service -> CompletableFuture.runAsync(service::close)).toList().forEach(stopping -> {
            try {
                stopping.join();
            } catch (RuntimeException e) {
                log.warn("Stopping a service failed: {}", e.toString());
            }
        });
        started.removeAll(services);
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", started.get(i), e.toString());
            }
        }
        started.clear();
    }
}
