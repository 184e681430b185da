package org.agreementledger.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL and one real Kafka broker per test JVM, started on first use and stopped at exit.
 * Test classes share the servers but not the data: each asks for its own database and topic.
 */
public final class SharedTestInfrastructure {

    private static volatile SharedTestInfrastructure instance;
    private static final AtomicInteger NAMES = new AtomicInteger();

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
                kafka.close();
                postgres.close();
            }, "test-infrastructure-shutdown"));
            return infrastructure;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
