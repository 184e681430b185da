package org.agreementledger.projection.consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** DOWN unless the Kafka cluster answers and the events topic exists. */
@Component("kafka")
class KafkaHealthIndicator implements HealthIndicator {

    private final ConsumerProperties properties;

    KafkaHealthIndicator(ConsumerProperties properties) {
        this.properties = properties;
    }

    @Override
    public Health health() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                    .nodes().get(3, TimeUnit.SECONDS).size();
            boolean topicExists = admin.listTopics().names().get(3, TimeUnit.SECONDS).contains(properties.topic());
            Health.Builder health = topicExists ? Health.up() : Health.outOfService();
            return health.withDetail("brokers", brokers).withDetail("topic", properties.topic())
                    .withDetail("topicExists", topicExists).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(e).build();
        } catch (Exception e) {
            return Health.down().withDetail("bootstrapServers", properties.bootstrapServers())
                    .withDetail("error", e.toString()).build();
        }
    }
}
