package org.agreementledger.benchmarks;

import org.agreementledger.contract.LedgerTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the events topic as the projection does (read_committed) from its end, and notes for each agreement's first
 * event when the ledger's publisher sent it (the record's CreateTime) and when a reader could first read it (its
 * transaction committed and its markers written). With the sample's own start, answer and view, that splits a
 * command's way to the view into the ledger's answer, the publisher's pickup, Kafka's transaction, and the
 * projection's fetch and apply.
 */
final class TopicTail implements AutoCloseable {

    /** Wall-clock milliseconds: when the publisher sent the record, and when this reader received it. */
    record Seen(long sentAt, long readAt) {
    }

    private static final Duration WAIT_FOR_RECORD = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    TopicTail(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-topic-tail"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(LedgerTopics.AGREEMENT_EVENTS).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        reader = new Thread(this::read, "benchmark-topic-tail");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.putIfAbsent(record.key(), new Seen(record.timestamp(), System.currentTimeMillis()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** The agreement's first event as this reader saw it; null if it has not arrived within two seconds. */
    Seen awaitFirstEvent(String agreementId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_FOR_RECORD.toNanos();
        Seen found;
        while ((found = seen.get(agreementId)) == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return found;
    }

    /** Forgets what the load's own offers left here. */
    void clear() {
        seen.clear();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(5_000);
    }
}
