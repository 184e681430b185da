package org.agreementledger.security.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kafka as a service needs it: DOWN unless the cluster answers within a couple of seconds, OUT_OF_SERVICE while a
 * topic the service cannot work without is missing. Each service registers one as its {@code kafka} indicator.
 */
public class KafkaHealthIndicator implements HealthIndicator {

    private final String bootstrapServers;
    private final List<String> requiredTopics;

    /** @param requiredTopics the topics that must exist; none when the service creates its topics itself */
    public KafkaHealthIndicator(String bootstrapServers, List<String> requiredTopics) {
        this.bootstrapServers = bootstrapServers;
        this.requiredTopics = List.copyOf(requiredTopics);
    }

    @Override
    public Health health() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000));
            int brokers = cluster.nodes().get(3, TimeUnit.SECONDS).size();
            Health.Builder health = Health.up().withDetail("clusterId", cluster.clusterId().get(3, TimeUnit.SECONDS))
                    .withDetail("brokers", brokers);
            if (!requiredTopics.isEmpty()) {
                Set<String> topics = admin.listTopics().names().get(3, TimeUnit.SECONDS);
                List<String> missing = requiredTopics.stream().filter(topic -> !topics.contains(topic)).toList();
                if (!missing.isEmpty()) {
                    health.outOfService().withDetail("missingTopics", missing);
                }
                health.withDetail("topics", requiredTopics);
            }
            return health.build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(e).build();
        } catch (Exception e) {
            return Health.down().withDetail("bootstrapServers", bootstrapServers).withDetail("error", e.toString()).build();
        }
    }
}
