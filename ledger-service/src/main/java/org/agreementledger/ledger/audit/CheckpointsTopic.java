package org.agreementledger.ledger.audit;

import org.agreementledger.ledger.publication.InfiniteRetentionTopic;
import org.agreementledger.ledger.publication.KafkaPublicationProperties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ledger.checkpoints}: one partition, so what is signed keeps its order, never truncated; the per-agreement
 * checkpoints and the transparency log's tree heads go there through one producer, each send acknowledged by Kafka.
 */
@Component
class CheckpointsTopic implements DisposableBean {

    /**
     * A checkpoint is one record holding every head (about 150 bytes each): 64 MiB is some 400,000 agreements.
     * Beyond that, publishing fails (logged, {@code ledger.checkpoints.published} stops rising).
     */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private final CheckpointProperties properties;
    private final KafkaPublicationProperties kafka;
    private volatile Producer<String, byte[]> producer;
    private volatile boolean topicReady;

    CheckpointsTopic(CheckpointProperties properties, KafkaPublicationProperties kafka) {
        this.properties = properties;
        this.kafka = kafka;
    }

    /** Sends a record and waits for Kafka's acknowledgement; throws what kept it from being published. */
    void send(String key, byte[] value, Map<String, String> headers) {
        ensureTopic();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(properties.topic(), null, key, value);
        headers.forEach((name, text) -> record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
        try {
            producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointPublisher.CheckpointNotPublished("interrupted while publishing to " + properties.topic(), e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new CheckpointPublisher.CheckpointNotPublished("Kafka did not acknowledge the record", e);
        }
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES,
                            ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                            ProducerConfig.CLIENT_ID_CONFIG, "ledger-service-checkpoints"),
                            new StringSerializer(), new ByteArraySerializer());
                }
                current = producer;
            }
        }
        return current;
    }

    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        try {
            InfiniteRetentionTopic.ensure(kafka.bootstrapServers(), properties.topic(), 1, kafka.replicationFactor(),
                    Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES)));
        } catch (InfiniteRetentionTopic.TopicUnavailable e) {
            throw new CheckpointPublisher.CheckpointNotPublished(e.getMessage(), e);
        }
        topicReady = true;
    }

    @Override
    public void destroy() {
        Producer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(2));
        }
    }
}
