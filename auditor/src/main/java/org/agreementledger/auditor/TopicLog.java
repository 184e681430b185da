package org.agreementledger.auditor;

import org.agreementledger.contract.views.AsOfPoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads a topic from its beginning to the end it had when the read began, partition by partition in offset order,
 * with nothing but read access: no consumer group, no committed offsets.
 */
final class TopicLog {

    private final String bootstrapServers;

    TopicLog(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** What a read covered: per partition, the offset just after the last record read. */
    record Extent(Map<Integer, Long> ends, long records) {
    }

    Extent read(String topic, AsOfPoint upTo, Progress.Factory progress, Consumer<LogRecord> each) {
        return read(topic, Map.of(), upTo, progress, each);
    }

    /** @param from per partition, the offset to start at (an earlier run's end); the beginning for the others */
    Extent read(String topic, Map<Integer, Long> from, AsOfPoint upTo, Progress.Factory progress,
                Consumer<LogRecord> each) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the ledger publishes in Kafka transactions: an aborted batch was never published
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // records a poll hands over are parsed, with their headers, and live until read: 5,000 at a time were
                // some 12 MB copied by every young collection, 500 are 3 MB and read a million records 0.6 s faster
                // (docs/benchmarks.md run Z21); the fetches stay large, smaller ones cost round trips
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 50 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 10 * 1024 * 1024,
                ConsumerConfig.CLIENT_ID_CONFIG, "agreement-ledger-auditor"),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new AuditFailure("topic " + topic + " does not exist on " + bootstrapServers);
            }
            try {
                upTo.requirePartitionsWithin(infos.size());
            } catch (AsOfPoint.Invalid e) {
                throw new IllegalArgumentException("--as-of " + e.getMessage());
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> begins = new HashMap<>(consumer.beginningOffsets(partitions));
            for (TopicPartition partition : partitions) {
                Long start = from.get(partition.partition());
                if (start != null && start > begins.get(partition)) {
                    consumer.seek(partition, start);
                    begins.put(partition, start);
                }
            }
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            for (TopicPartition partition : partitions) {
                upTo.endOf(partition.partition()).ifPresent(stop -> ends.put(partition, Math.min(stop, ends.get(partition))));
            }
            // per partition number, where to stop: looked up for every record, so without a map
            long[] stopAt = new long[partitions.stream().mapToInt(TopicPartition::partition).max().orElse(0) + 1];
            ends.forEach((partition, end) -> stopAt[partition.partition()] = end);
            long total = partitions.stream().mapToLong(p -> Math.max(0, ends.get(p) - begins.get(p))).sum();
            Progress bar = progress.create(total);
            long read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                int batch = 0;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= stopAt[record.partition()]) {
                        continue;
                    }
                    each.accept(LogRecord.of(record));
                    batch++;
                }
                read += batch;
                bar.advance(batch);
                for (TopicPartition partition : partitions) {
                    if (consumer.position(partition) >= ends.get(partition)) {
                        consumer.pause(List.of(partition));
                    }
                }
            }
            bar.finish();
            Map<Integer, Long> extent = new TreeMap<>();
            ends.forEach((partition, end) -> extent.put(partition.partition(), end));
            return new Extent(extent, read);
        } finally {
            // a reader without a group has nothing to hand back; the default close waits out the fetch in flight
            // (up to fetch.max.wait.ms, half a second on an idle topic) for nothing
            consumer.close(Duration.ZERO);
        }
    }

    static final class AuditFailure extends RuntimeException {
        AuditFailure(String message) {
            super(message);
        }
    }
}
