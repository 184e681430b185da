package org.agreementledger.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.agreementledger.ledger.publication.InfiniteRetentionTopic;
import org.agreementledger.ledger.publication.KafkaPublicationProperties;
import org.agreementledger.ledger.publication.PublisherProcessor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Signs and publishes checkpoints: the head of every agreement's chain among the events already acknowledged on
 * the events topic (so an auditor reading the topic can always reach every head a checkpoint names), with a
 * Merkle root over them, to {@code ledger.checkpoints}.
 */
@Component
class CheckpointPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CheckpointPublisher.class);
    /**
     * A checkpoint is one record holding every head (about 150 bytes each): 64 MiB is some 400,000 agreements.
     * Beyond that, publishing fails (logged, {@code ledger.checkpoints.published} stops rising) until checkpoints
     * are paged, which is not built.
     */
    static final int MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

    private final JdbcTemplate jdbc;
    private final EventProcessingConfiguration processing;
    private final LedgerSigningKey key;
    private final CheckpointProperties properties;
    private final KafkaPublicationProperties kafka;
    private final Clock clock;
    private final Counter published;
    private volatile Producer<String, byte[]> producer;
    private volatile boolean topicReady;
    private volatile Checkpoint latest;
    /** When the checkpoints last covered every published head: a publication, or a run that found nothing new. */
    private volatile double currentAt = Double.NaN;

    CheckpointPublisher(JdbcTemplate jdbc, EventProcessingConfiguration processing, LedgerSigningKey key,
                        CheckpointProperties properties, KafkaPublicationProperties kafka, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.processing = processing;
        this.key = key;
        this.properties = properties;
        this.kafka = kafka;
        this.clock = clock;
        this.published = Counter.builder("ledger.checkpoints.published")
                .description("Signed checkpoints published").register(meters);
        // Epoch seconds, NaN before the first; Prometheus alerts on time() minus these (docs/operations.md).
        Gauge.builder("ledger.checkpoints.last.published", this,
                        self -> self.latest == null ? Double.NaN : self.latest.createdAt().getEpochSecond())
                .baseUnit("seconds").description("When the latest checkpoint was signed, seconds since the epoch")
                .register(meters);
        Gauge.builder("ledger.checkpoints.last.current", this, self -> self.currentAt)
                .baseUnit("seconds").description("When the latest checkpoint last covered every published head"
                        + " (published, or no chain moved since), seconds since the epoch")
                .register(meters);
        Gauge.builder("ledger.checkpoints.interval", properties, p -> p.interval().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.checkpoints.interval").register(meters);
    }

    @Scheduled(initialDelayString = "${ledger.checkpoints.interval:5m}", fixedDelayString = "${ledger.checkpoints.interval:5m}")
    void periodically() {
        try {
            List<Checkpoint.Head> heads = publishedHeads();
            Checkpoint previous = latest;
            if (!heads.isEmpty() && (previous == null || !previous.heads().equals(heads))) {
                publish(heads);
            }
            currentAt = clock.millis() / 1000.0;
        } catch (RuntimeException e) {
            log.warn("No checkpoint this time: {}", e.getMessage());
        }
    }

    /** Signs and publishes a checkpoint now, waiting for Kafka's acknowledgement. */
    synchronized Checkpoint publishNow() {
        return publish(publishedHeads());
    }

    Optional<Checkpoint> latest() {
        return Optional.ofNullable(latest);
    }

    private synchronized Checkpoint publish(List<Checkpoint.Head> heads) {
        Checkpoint checkpoint = Checkpoint.sign(UUID.randomUUID().toString(), clock.instant(),
                EventHeaders.SOURCE_VALUE, heads, key.privateKey(), key.publicKey());
        ensureTopic();
        try {
            producer().send(new ProducerRecord<>(properties.topic(), null, checkpoint.checkpointId(),
                    checkpoint.toJson().getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointNotPublished("interrupted while publishing a checkpoint", e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new CheckpointNotPublished("Kafka did not acknowledge the checkpoint", e);
        }
        latest = checkpoint;
        currentAt = checkpoint.createdAt().toEpochMilli() / 1000.0;
        published.increment();
        log.info("Published checkpoint {} over {} agreements, Merkle root {}", checkpoint.checkpointId(),
                heads.size(), checkpoint.merkleRoot());
        return checkpoint;
    }

    /** Every agreement's last event among those the publisher has had acknowledged by Kafka. */
    private List<Checkpoint.Head> publishedHeads() {
        Optional<GapAwareTrackingToken> token = publisherToken();
        if (token.isEmpty()) {
            return List.of();
        }
        long through = token.get().getIndex();
        Long[] gaps = token.get().getGaps().toArray(Long[]::new);
        List<Checkpoint.Head> heads = new ArrayList<>();
        jdbc.query(con -> {
            var statement = con.prepareStatement("""
                    SELECT DISTINCT ON (aggregateidentifier) aggregateidentifier, sequencenumber, metadata
                    FROM domainevententry
                    WHERE globalindex <= ? AND NOT (globalindex = ANY (?))
                    ORDER BY aggregateidentifier, sequencenumber DESC""");
            statement.setLong(1, through);
            statement.setArray(2, con.createArrayOf("bigint", gaps));
            return statement;
        }, row -> {
            JsonNode metaData = LedgerJson.readTree(row.getBytes("metadata"));
            JsonNode hash = metaData.get(ChainMetaData.HASH);
            if (hash != null && hash.isTextual()) {
                heads.add(new Checkpoint.Head(row.getString("aggregateidentifier"), row.getLong("sequencenumber"),
                        hash.asText()));
            }
        });
        heads.sort(Comparator.comparing(Checkpoint.Head::agreementId));
        return heads;
    }

    private Optional<GapAwareTrackingToken> publisherToken() {
        return processing.eventProcessor(PublisherProcessor.NAME, TrackingEventProcessor.class)
                .flatMap(processor -> processor.processingStatus().values().stream()
                        .map(EventTrackerStatus::getTrackingToken)
                        .filter(GapAwareTrackingToken.class::isInstance)
                        .map(GapAwareTrackingToken.class::cast)
                        .findFirst());
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            current = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_CHECKPOINT_BYTES,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                    ProducerConfig.CLIENT_ID_CONFIG, "ledger-service-checkpoints"),
                    new StringSerializer(), new ByteArraySerializer());
            producer = current;
        }
        return current;
    }

    /** One partition, so checkpoints keep their order; never truncated. */
    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        try {
            InfiniteRetentionTopic.ensure(kafka.bootstrapServers(), properties.topic(), 1, kafka.replicationFactor(),
                    Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_CHECKPOINT_BYTES)));
        } catch (InfiniteRetentionTopic.TopicUnavailable e) {
            throw new CheckpointNotPublished(e.getMessage(), e);
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

    static class CheckpointNotPublished extends RuntimeException {
        CheckpointNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
