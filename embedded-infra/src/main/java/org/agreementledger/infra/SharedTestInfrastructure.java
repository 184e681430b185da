package org.agreementledger.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL and one real Kafka broker per test JVM, started on first use and stopped at exit.
 * Test classes share the servers but not the data: each asks for its own database and topic.
 */
public final class SharedTestInfrastructure {

    private static volatile SharedTestInfrastructure instance;
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** The threads that close Spring's applications at exit: Spring Boot's, and Spring Framework's own. */
    private static final Set<String> SPRING_SHUTDOWN_HOOKS = Set.of("SpringApplicationShutdownHook", "SpringContextShutdownHook");
    private static final Duration SPRING_CLOSES_WITHIN = Duration.ofSeconds(20);
    private static final Duration SPRING_HOOK_STARTS_WITHIN = Duration.ofMillis(200);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;

    private SharedTestInfrastructure(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    public static SharedTestInfrastructure get() {
        if (instance == null) {
            synchronized (SharedTestInfrastructure.class) {
                if (instance == null) {
                    instance = start();
                }
            }
        }
        return instance;
    }

    private static SharedTestInfrastructure start() {
        try {
            Path root = Files.createTempDirectory("ledger-test-infra");
            EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(root.resolve("postgres"), FreePorts.next(), false);
            EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(root.resolve("kafka"), FreePorts.next(), FreePorts.next());
            SharedTestInfrastructure infrastructure = new SharedTestInfrastructure(postgres, kafka);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                awaitSpringContextsClosed();
                kafka.close();
                postgres.close();
            }, "test-infrastructure-shutdown"));
            return infrastructure;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JVM starts every shutdown hook at once: the servers stopped while Spring was still closing the test JVM's
     * cached applications, whose event processors then waited on a database and a broker that had gone, and the fork
     * outlived surefire's 5 s limit after {@code System.exit} (and was killed). The services stop first here, as in
     * production.
     */
    private static void awaitSpringContextsClosed() {
        long deadline = System.nanoTime() + SPRING_CLOSES_WITHIN.toNanos();
        // the JVM starts the hooks one after another: Spring's may not be running yet when this one looks
        long lookUntil = System.nanoTime() + SPRING_HOOK_STARTS_WITHIN.toNanos();
        Set<Thread> awaited = new HashSet<>();
        try {
            while (System.nanoTime() < lookUntil) {
                for (Thread hook : springShutdownHooks()) {
                    if (awaited.add(hook)) {
                        hook.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    }
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Thread> springShutdownHooks() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2];
        int count = root.enumerate(threads);
        return Arrays.stream(threads, 0, count).filter(t -> SPRING_SHUTDOWN_HOOKS.contains(t.getName())).toList();
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    /** A fresh database for one test class; returns its JDBC URL. User and password are both {@code test}. */
    public String freshDatabase(String hint) {
        String name = uniqueName(hint).replace('-', '_');
        postgres.createDatabase(name, "test", "test");
        return postgres.jdbcUrl(name);
    }

    /** A fresh, never-truncated topic for one test class. */
    public String freshTopic(String hint, int partitions) {
        String name = uniqueName(hint);
        kafka.createTopicIfAbsent(name, partitions);
        return name;
    }

    private static String uniqueName(String hint) {
        String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return "t" + NAMES.incrementAndGet() + "-" + clean + "-" + ProcessHandle.current().pid();
    }
}
