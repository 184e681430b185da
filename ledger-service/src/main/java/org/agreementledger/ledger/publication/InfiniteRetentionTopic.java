package org.agreementledger.ledger.publication;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The ledger's topics are never truncated: when the ledger has to create one, it does so with infinite retention. */
public final class InfiniteRetentionTopic {

    private static final Logger log = LoggerFactory.getLogger(InfiniteRetentionTopic.class);

    private InfiniteRetentionTopic() {
    }

    /** Creates the topic unless it exists; an existing topic is left as it is. */
    public static void ensure(String bootstrapServers, String topic, int partitions, short replicationFactor) {
        ensure(bootstrapServers, topic, partitions, replicationFactor, Map.of());
    }

    /** The same, with further topic configs for a topic the ledger creates. */
    public static void ensure(String bootstrapServers, String topic, int partitions, short replicationFactor,
                              Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            Map<String, String> all = new HashMap<>(configs);
            all.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
            all.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
            NewTopic newTopic = new NewTopic(topic, partitions, replicationFactor).configs(all);
            try {
                admin.createTopics(List.of(newTopic)).all().get(10, TimeUnit.SECONDS);
                log.info("Created topic {} with {} partitions and infinite retention", topic, partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicUnavailable("interrupted while checking topic " + topic, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new TopicUnavailable("Kafka is not reachable to check topic " + topic, e);
        }
    }

    public static final class TopicUnavailable extends RuntimeException {
        TopicUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
