package org.agreementledger.ledger.publication;

import org.agreementledger.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events Kafka holds (committed) past the offsets the publisher last recorded: those a crash or a failed batch
 * left on the topic without the token moving. Read with read_committed, after the new producer has fenced the old
 * one, so a late write of the old producer can no longer appear.
 */
final class PublishedTail {

    private PublishedTail() {
    }

    /** Keys "agreementId#sequence" of every event on the topic from {@code recorded} (partition → offset) to its end. */
    static Set<String> read(String bootstrapServers, String topic, Map<Integer, Long> recorded) {
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "ledger-service-publisher-tail"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, recorded.getOrDefault(partition.partition(), 0L));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the tail of " + topic + " within 60 s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    found.add(keyOf(record.key(), sequenceOf(record)));
                }
            }
        }
        return found;
    }

    static String keyOf(String agreementId, long sequence) {
        return agreementId + "#" + sequence;
    }

    private static long sequenceOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(EventHeaders.SEQUENCE);
        return header == null ? -1 : Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
    }
}
