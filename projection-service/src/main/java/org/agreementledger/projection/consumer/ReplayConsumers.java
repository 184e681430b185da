package org.agreementledger.projection.consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Map;

/**
 * Consumers that read the topic again from its start, for a rebuild or an as-of view, without a group. They see what
 * the live consumer sees: only records of committed Kafka transactions (the publisher's aborted attempts are on the
 * log too). Their polls are small: a rebuild runs two of them beside the live consumer, and 2,000-record polls with
 * 1 MiB fetches per partition kept so much alive at each young collection of the projection's small heap that it was
 * promoted, filling the old generation every second or third collection (docs/benchmarks.md, run P).
 */
public final class ReplayConsumers {

    static final int MAX_POLL_RECORDS = 250;
    private static final int MAX_PARTITION_FETCH_BYTES = 256 * 1024;
    private static final int FETCH_MAX_BYTES = 512 * 1024;

    private ReplayConsumers() {
    }

    /**
     * Stops fetching the partitions read up to their target offsets. A consumer has one fetch in flight per broker,
     * and a broker holds a fetch that finds no new records for {@code fetch.max.wait.ms} (500 ms): left in the
     * fetches, finished partitions held back the records of the others, and the last 7 % of a million-record replay
     * took 15–30 s (docs/benchmarks.md, run P).
     */
    public static void pauseFinished(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> targets) {
        consumer.pause(targets.entrySet().stream()
                .filter(target -> consumer.position(target.getKey()) >= target.getValue())
                .map(Map.Entry::getKey).toList());
    }

    public static KafkaConsumer<String, byte[]> open(ConsumerProperties properties, String clientId) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_PARTITION_FETCH_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId),
                new StringDeserializer(), new ByteArrayDeserializer());
    }
}
