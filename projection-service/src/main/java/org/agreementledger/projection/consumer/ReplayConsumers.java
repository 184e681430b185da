package org.agreementledger.projection.consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Map;

/**
 * Consumers that read the topic again from its start, for a rebuild or an as-of view, without a group. They see what
 * the live consumer sees: only records of committed Kafka transactions (the publisher's aborted attempts are on the
 * log too).
 */
public final class ReplayConsumers {

    private static final int MAX_POLL_RECORDS = 2000;

    private ReplayConsumers() {
    }

    public static KafkaConsumer<String, byte[]> open(ConsumerProperties properties, String clientId) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
