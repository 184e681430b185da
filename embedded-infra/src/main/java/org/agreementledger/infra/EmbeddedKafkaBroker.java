package org.agreementledger.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), built from Kafka's
 * own server classes. Its log directory is formatted once and reused, so a restart keeps every record.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker listening on {@code localhost:port}, its controller on {@code controllerPort}, storing
     * its log under {@code logDir} (formatted on first use).
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int controllerPort) {
        Properties props = nodeConfig(1, "1@localhost:" + controllerPort, port, controllerPort, logDir, 1);
        format(logDir, props, Uuid.randomUuid().toString());
        EmbeddedKafkaBroker broker = startNode(props, "localhost:" + port);
        broker.awaitReady();
        return broker;
    }

    /**
     * The configuration of one node (broker and controller) of a KRaft cluster whose controllers are {@code voters};
     * internal topics are replicated {@code replication} times.
     */
    static Properties nodeConfig(int nodeId, String voters, int port, int controllerPort, Path logDir, int replication) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", Integer.toString(replication));
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", Integer.toString(replication));
        props.put("transaction.state.log.min.isr", Integer.toString(Math.max(1, replication - 1)));
        // the ledger publishes in transactions: 50 coordinator partitions are only start-up time here
        props.put("transaction.state.log.num.partitions", "10");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A topic appears only when someone creates it on purpose, with the retention it needs.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // The log cleaner (compacted topics) reserves 128 MiB by default: too much for a small in-process broker.
        // 4 MiB still maps about 150,000 keys per cleaning pass; a larger dirty section takes more passes.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        // a broker in the launcher's JVM, for one stack: fewer request and background threads than a shared one needs
        props.put("num.io.threads", "4");
        props.put("background.threads", "4");
        // After a crash the controller (Kafka 3.9) refuses the restarted broker's registration until the dead one's
        // session expires (KAFKA-19130): 9 s by default, on every restart after a kill. Heartbeats three times as often
        // keep four beats per session (4.5 by default) in a third of the time.
        props.put("broker.heartbeat.interval.ms", "750");
        props.put("broker.session.timeout.ms", "3000");
        return props;
    }

    static EmbeddedKafkaBroker startNode(Properties props, String bootstrap) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(server, bootstrap);
    }

    /** Formats the log directory once, for the cluster {@code clusterId}; a formatted one is reused as it is. */
    static void format(Path logDir, Properties props, String clusterId) {
        try {
            Files.createDirectories(logDir);
            if (Files.exists(logDir.resolve("meta.properties"))) {
                return;
            }
            Path config = Files.createTempFile("kraft", ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "embedded KRaft broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit = StorageTool.execute(new String[]{"format", "-t", clusterId,
                    "-c", config.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
            Files.deleteIfExists(config);
            if (exit != 0) {
                throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
            }
            log.debug("Formatted Kafka storage {}", logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Kafka broker did not become ready", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates a topic that is never truncated, unless it exists already. */
    public void createTopicIfAbsent(String name, int partitions) {
        createTopicIfAbsent(name, partitions, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
    }

    public void createTopicIfAbsent(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + name, e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
