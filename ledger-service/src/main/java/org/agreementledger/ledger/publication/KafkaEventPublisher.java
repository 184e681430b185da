package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.ledger.axon.LeafIndexes;
import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.agreementledger.ledger.tracing.LedgerTracing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.HashMap;
import java.util.Set;

/**
 * Publishes every appended event to Kafka from a tracking event processor, one Kafka transaction per processor
 * batch. The processor's token only moves once Kafka has committed the batch (acks=all), so a command is accepted
 * while Kafka is down and its event goes out, in order, once Kafka is back. No event reaches the topic twice: an
 * aborted batch is invisible to read_committed readers, a new producer fences any late write of the one before it,
 * and after a restart or a failed batch the publisher first reads what the topic already holds past the offsets it
 * recorded with its token, and does not send that again (ADR 0002, docs/reliability.md).
 */
@Component
@ProcessingGroup(PublisherProcessor.NAME)
class KafkaEventPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final String PENDING_SENDS = KafkaEventPublisher.class.getName() + ".pending";
    /** Room for the largest event a 1 MiB request can produce, with its headers. */
    static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

    private final KafkaPublicationProperties properties;
    private final JdbcTemplate jdbc;
    private final Counter published;
    private final Timer publishDelay;
    private final Counter skipped;
    private final Counter producerStarts;
    private final PublicationStatus status;
    private final LedgerTracing tracing;
    private volatile Producer<String, byte[]> producer;
    private volatile boolean topicReady;
    /** What the topic held past the recorded offsets when this producer started; not sent again. */
    private volatile Set<String> alreadyOnTopic = Set.of();
    /** The processor's token after the last batch this producer committed; null before its first. */
    private volatile TrackingToken committedToken;

    KafkaEventPublisher(KafkaPublicationProperties properties, JdbcTemplate jdbc, MeterRegistry meters,
                        PublicationStatus status, LedgerTracing tracing) {
        this.properties = properties;
        this.tracing = tracing;
        this.jdbc = jdbc;
        this.status = status;
        this.skipped = Counter.builder("ledger.events.republish.skipped")
                .description("Events found on the topic after a crash or failed batch, and therefore not sent again")
                .register(meters);
        this.producerStarts = Counter.builder("ledger.publication.producer.starts")
                .description("Transactional producers started: the first, then one after each failed batch or rewind")
                .register(meters);
        this.published = Counter.builder("ledger.events.published")
                .description("Events acknowledged by Kafka").register(meters);
        this.publishDelay = Timer.builder("ledger.events.publish.delay")
                .description("From an event's append to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    @EventHandler
    void publish(AgreementEvent event, DomainEventMessage<?> message) {
        ensureTopic();
        long position = positionOf(message);
        TrackingToken token = message instanceof TrackedEventMessage<?> tracked ? tracked.trackingToken() : null;
        TrackingToken committed = committedToken;
        if (committed != null && token != null && !token.covers(committed)
                && !CurrentUnitOfWork.get().root().resources().containsKey(PENDING_SENDS)) {
            // the processor went back behind what this producer committed (a restart, a claim that moved and came
            // back): learn again what the topic holds before sending anything. Not an event filling a gap: its
            // position is below the highest one committed, but its token still covers everything committed.
            resetProducer();
        }
        Producer<String, byte[]> kafka = producer();
        Batch batch = batchOf(kafka);
        batch.lastToken = token;
        if (alreadyOnTopic.contains(PublishedTail.keyOf(message.getAggregateIdentifier(), message.getSequenceNumber()))) {
            skipped.increment();
            batch.skippedUpTo = Math.max(batch.skippedUpTo, position);
            return;
        }
        EventEnvelope envelope = envelopeOf(event, message);
        RecordHeaders headers = headersOf(envelope);
        // the trace context is added beside the envelope, never into it: it is not part of the event's hash
        Span span = tracing.publishing(message, envelope.type(), properties.topic(), headers);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(properties.topic(), null,
                message.getAggregateIdentifier(), publishedBody(event, envelope, message), headers);
        // sent when the batch completes, once the log indexes of all its events are read in one query
        batch.outgoing.add(new Outgoing(record, message.getTimestamp(), position, message.getAggregateIdentifier(),
                message.getSequenceNumber(), span));
    }

    /**
     * The event's JSON in the schema version it was recorded in, which its hash covers: the current record serialised
     * again when that is the current version, else the stored bytes (Axon has upcast the object this handler sees).
     * Published in its canonical form, the bytes the hash covers, so that a verifier hashes them as it reads them.
     */
    private byte[] publishedBody(AgreementEvent event, EventEnvelope envelope, DomainEventMessage<?> message) {
        if (envelope.schemaVersion() == EventTypes.schemaVersionOf(event.getClass())) {
            return EventChain.publishedBody(LedgerJson.toBytes(event));
        }
        return EventChain.publishedBody(jdbc.queryForObject("SELECT payload FROM domainevententry WHERE eventidentifier = ?",
                byte[].class, message.getIdentifier()));
    }

    /** The envelope as the aggregate sealed it; the publisher adds nothing that the chain does not cover. */
    static EventEnvelope envelopeOf(AgreementEvent event, DomainEventMessage<?> message) {
        Map<String, ?> metaData = message.getMetaData();
        return new EventEnvelope(
                text(metaData, ChainMetaData.EVENT_ID).orElse(message.getIdentifier()),
                EventTypes.nameOf(event.getClass()),
                event.agreementId(),
                message.getSequenceNumber(),
                text(metaData, ChainMetaData.EVENT_TIME).map(Instant::parse).orElse(message.getTimestamp()),
                text(metaData, ChainMetaData.SCHEMA_VERSION).map(Integer::parseInt).orElse(1),
                text(metaData, RequestCorrelationDataProvider.CORRELATION_ID),
                text(metaData, RequestCorrelationDataProvider.CAUSATION_ID),
                text(metaData, RequestCorrelationDataProvider.PRINCIPAL),
                text(metaData, RequestCorrelationDataProvider.COUNTRY),
                text(metaData, ChainMetaData.PREVIOUS_HASH),
                text(metaData, ChainMetaData.HASH));
    }

    private static RecordHeaders headersOf(EventEnvelope envelope) {
        RecordHeaders headers = new RecordHeaders();
        envelope.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** Each event's leaf in the transparency log; one query for the whole batch. */
    private Map<LeafIndexes.Event, Long> logIndexesOf(List<Outgoing> outgoing) {
        return jdbc.execute((ConnectionCallback<Map<LeafIndexes.Event, Long>>) connection -> LeafIndexes.of(connection,
                outgoing.stream().map(event -> new LeafIndexes.Event(event.agreementId(), event.sequence())).toList()));
    }

    private static Optional<String> text(Map<String, ?> metaData, String key) {
        return Optional.ofNullable(metaData.get(key)).map(Object::toString);
    }

    private static long positionOf(DomainEventMessage<?> message) {
        if (message instanceof TrackedEventMessage<?> tracked) {
            TrackingToken token = tracked.trackingToken();
            return token.position().orElse(-1);
        }
        return -1;
    }

    /** One Kafka transaction per processor batch; the batch commits only when Kafka has committed every send in it. */
    private Batch batchOf(Producer<String, byte[]> kafka) {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(PENDING_SENDS, key -> {
            Batch batch = new Batch();
            unitOfWork.onPrepareCommit(u -> complete(batch, kafka));
            unitOfWork.onRollback(u -> {
                if (batch.begun) {
                    resetProducer();
                }
                batch.outgoing.forEach(send -> send.span().end());
            });
            return batch;
        });
    }

    private void complete(Batch batch, Producer<String, byte[]> kafka) {
        long timeoutMs = properties.deliveryTimeout().toMillis() + 5_000;
        Map<Integer, Long> nextOffsets = new HashMap<>();
        long position = batch.skippedUpTo;
        try {
            send(batch, kafka);
            for (PendingSend send : batch.sends) {
                RecordMetadata sent = send.future().get(timeoutMs, TimeUnit.MILLISECONDS);
                nextOffsets.merge(sent.partition(), sent.offset() + 1, Math::max);
                position = Math.max(position, send.position());
            }
            if (batch.begun) {
                kafka.commitTransaction();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublicationFailed("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            batch.outgoing.forEach(send -> send.span().error(cause));
            status.failed(cause, batch.sends.isEmpty() ? null : batch.sends.get(0).describe());
            throw new PublicationFailed("Kafka did not commit a batch of events; it will be retried", cause);
        }
        for (PendingSend send : batch.sends) {
            published.increment();
            publishDelay.record(Duration.between(send.event().appendedAt(), Instant.now()));
            send.event().span().end();
        }
        // with the token, in the processor's database transaction: where to look after a crash
        if (!nextOffsets.isEmpty()) {
            recordOffsets(nextOffsets);
        }
        if (position >= 0) {
            jdbc.update("""
                    INSERT INTO publication_progress (topic, last_position, updated_at) VALUES (?, ?, now())
                    ON CONFLICT (topic) DO UPDATE SET last_position = greatest(publication_progress.last_position,
                    EXCLUDED.last_position), updated_at = now()""", properties.topic(), position);
        }
        if (batch.lastToken != null) {
            committedToken = batch.lastToken;
        }
        status.published(position);
    }

    /** The next offset of every partition the batch wrote to, in one statement however many partitions it touched. */
    private void recordOffsets(Map<Integer, Long> nextOffsets) {
        Integer[] partitions = new Integer[nextOffsets.size()];
        Long[] offsets = new Long[nextOffsets.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> next : nextOffsets.entrySet()) {
            partitions[i] = next.getKey();
            offsets[i++] = next.getValue();
        }
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("""
                    INSERT INTO published_offset (topic, kafka_partition, next_offset)
                    SELECT ?, p.kafka_partition, p.next_offset FROM unnest(?::int[], ?::bigint[]) AS p(kafka_partition, next_offset)
                    ON CONFLICT (topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset""");
            statement.setString(1, properties.topic());
            statement.setArray(2, connection.createArrayOf("int4", partitions));
            statement.setArray(3, connection.createArrayOf("int8", offsets));
            return statement;
        });
    }

    private void send(Batch batch, Producer<String, byte[]> kafka) {
        if (batch.outgoing.isEmpty()) {
            return;
        }
        Map<LeafIndexes.Event, Long> logIndexes = logIndexesOf(batch.outgoing);
        batch.begin(kafka);
        for (Outgoing event : batch.outgoing) {
            Long logIndex = logIndexes.get(new LeafIndexes.Event(event.agreementId(), event.sequence()));
            if (logIndex != null) {
                event.record().headers().add(EventHeaders.LOG_INDEX,
                        Long.toString(logIndex).getBytes(StandardCharsets.UTF_8));
            }
            batch.sends.add(new PendingSend(kafka.send(event.record()), event));
        }
    }

    /**
     * The transactional producer; a new one fences its predecessor, aborts whatever it left open, and first learns
     * what the topic already holds beyond the recorded offsets.
     */
    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current != null) {
            return current;
        }
        current = new KafkaProducer<>(Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers()),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                // one id per topic: whichever ledger instance holds the processor's claim fences any other
                Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ledger-publisher-" + properties.topic()),
                Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 2),
                Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES),
                Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) properties.deliveryTimeout().toMillis()),
                Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) Math.min(10_000, properties.deliveryTimeout().toMillis() / 2)),
                Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000),
                Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "ledger-service-publisher")),
                new StringSerializer(), new ByteArraySerializer());
        try {
            current.initTransactions();
            alreadyOnTopic = PublishedTail.read(properties.bootstrapServers(), properties.topic(), recordedOffsets());
        } catch (RuntimeException e) {
            current.close(Duration.ZERO);
            status.failed(e, null);
            throw new PublicationFailed("Kafka is not ready for publication: " + e.getMessage(), e);
        }
        if (!alreadyOnTopic.isEmpty()) {
            log.info("{} events are on {} already from before a crash or failed batch; they are not sent again",
                    alreadyOnTopic.size(), properties.topic());
        }
        producerStarts.increment();
        producer = current;
        return current;
    }

    private Map<Integer, Long> recordedOffsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        jdbc.query("SELECT kafka_partition, next_offset FROM published_offset WHERE topic = ?",
                rs -> {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }, properties.topic());
        return offsets;
    }

    private void resetProducer() {
        Producer<String, byte[]> broken = producer;
        producer = null;
        committedToken = null;
        if (broken != null) {
            broken.close(Duration.ofSeconds(1));
        }
    }

    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        try {
            InfiniteRetentionTopic.ensure(properties.bootstrapServers(), properties.topic(), properties.partitions(),
                    properties.replicationFactor(),
                    Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES),
                            // acks=all then means: on all but one replica, so losing one broker loses nothing acknowledged
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                            Integer.toString(Math.max(1, properties.replicationFactor() - 1))));
        } catch (InfiniteRetentionTopic.TopicUnavailable e) {
            throw new PublicationFailed(e.getMessage(), e);
        }
        topicReady = true;
    }

    @Override
    public void destroy() {
        resetProducer();
    }

    /** The sends of one processor batch, in one Kafka transaction begun with its first send. */
    private static final class Batch {
        private final List<Outgoing> outgoing = new ArrayList<>();
        private final List<PendingSend> sends = new ArrayList<>();
        private long skippedUpTo = -1;
        private TrackingToken lastToken;
        private boolean begun;

        void begin(Producer<String, byte[]> kafka) {
            if (!begun) {
                kafka.beginTransaction();
                begun = true;
            }
        }
    }

    /** One event of the batch; its span ends when Kafka has committed it, or the batch failed. */
    private record Outgoing(ProducerRecord<String, byte[]> record, Instant appendedAt, long position,
                            String agreementId, long sequence, Span span) {
    }

    /** One record sent in the batch's transaction. */
    private record PendingSend(Future<RecordMetadata> future, Outgoing event) {
        long position() {
            return event.position();
        }

        String describe() {
            return "agreement " + event.agreementId() + " event " + event.sequence() + " (store position "
                    + event.position() + ")";
        }
    }

    static class PublicationFailed extends RuntimeException {
        PublicationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
