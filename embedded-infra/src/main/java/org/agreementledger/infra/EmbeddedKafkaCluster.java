package org.agreementledger.infra;

import org.apache.kafka.common.Uuid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Several real KRaft nodes (broker and controller each) in this JVM, forming one cluster, so that a test can lose a
 * broker the way production does and check that nothing acknowledged is lost.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private final List<EmbeddedKafkaBroker> nodes;
    private final List<Boolean> running;
    private final String bootstrapServers;

    private EmbeddedKafkaCluster(List<EmbeddedKafkaBroker> nodes, String bootstrapServers) {
        this.nodes = nodes;
        this.running = new ArrayList<>(nodes.stream().map(n -> true).toList());
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts {@code size} nodes under {@code root}, internal topics replicated on all of them. */
    public static EmbeddedKafkaCluster start(Path root, int size) {
        List<Integer> ports = IntStream.range(0, size).mapToObj(i -> FreePorts.next()).toList();
        List<Integer> controllerPorts = IntStream.range(0, size).mapToObj(i -> FreePorts.next()).toList();
        String voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@localhost:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        String bootstrap = ports.stream().map(port -> "localhost:" + port).collect(Collectors.joining(","));
        // the controllers need a quorum to elect a leader: every node starts at once
        List<CompletableFuture<EmbeddedKafkaBroker>> starting = IntStream.range(0, size).mapToObj(i -> {
            Path logDir = root.resolve("node-" + (i + 1));
            Properties props = EmbeddedKafkaBroker.nodeConfig(i + 1, voters, ports.get(i), controllerPorts.get(i), logDir, size);
            // a test stops nodes until the controllers lose their quorum: a controlled shutdown would then wait minutes
            props.put("controlled.shutdown.enable", "false");
            EmbeddedKafkaBroker.format(logDir, props, clusterId);
            return CompletableFuture.supplyAsync(() -> EmbeddedKafkaBroker.startNode(props, bootstrap));
        }).toList();
        List<EmbeddedKafkaBroker> nodes = starting.stream().map(CompletableFuture::join).toList();
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(nodes, bootstrap);
        nodes.get(0).awaitReady();
        return cluster;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops one node, as a crashed or unreachable broker; the others carry on. */
    public synchronized void stop(int node) {
        if (running.get(node)) {
            running.set(node, false);
            nodes.get(node).close();
        }
    }

    @Override
    public synchronized void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            stop(i);
        }
    }
}
