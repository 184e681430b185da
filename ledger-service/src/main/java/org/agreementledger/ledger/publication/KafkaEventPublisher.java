package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes every appended event to Kafka from a tracking event processor. The processor's token only
 * moves once Kafka has acknowledged (acks=all) every event of the batch, so a command is accepted while
 * Kafka is down and its event goes out, in order, once Kafka is back. A failed batch is retried from
 * the token, so consumers may see an event twice: they dedupe by agreement id and sequence number.
 */
@Component
@ProcessingGroup(KafkaEventPublisher.PROCESSING_GROUP)
class KafkaEventPublisher implements DisposableBean {

    static final String PROCESSING_GROUP = "kafka-publisher";
    private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final String PENDING_SENDS = KafkaEventPublisher.class.getName() + ".pending";

    private final KafkaPublicationProperties properties;
    private final JdbcTemplate jdbc;
    private final Counter published;
    private final Timer publishDelay;
    private final AtomicLong lastPublishedPosition = new AtomicLong(-1);
    private volatile Producer<String, byte[]> producer;
    private volatile boolean topicReady;

    KafkaEventPublisher(KafkaPublicationProperties properties, JdbcTemplate jdbc, MeterRegistry meters) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.published = Counter.builder("ledger.events.published")
                .description("Events acknowledged by Kafka").register(meters);
        this.publishDelay = Timer.builder("ledger.events.publish.delay")
                .description("From an event's append to Kafka's acknowledgement")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    long lastPublishedPosition() {
        return lastPublishedPosition.get();
    }

    @EventHandler
    void publish(AgreementEvent event, DomainEventMessage<?> message) {
        ensureTopic();
        EventEnvelope envelope = envelopeOf(event, message);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(properties.topic(), null,
                message.getAggregateIdentifier(), bodyAsRecorded(event, envelope, message), headersOf(envelope));
        Future<RecordMetadata> sent = producer().send(record);
        pendingSendsOfThisBatch().add(new PendingSend(sent, message.getTimestamp(), positionOf(message)));
    }

    /**
     * The event's JSON in the schema version it was recorded in, which its hash covers: the current record serialised
     * again when that is the current version, else the stored bytes (Axon has upcast the object this handler sees).
     */
    private byte[] bodyAsRecorded(AgreementEvent event, EventEnvelope envelope, DomainEventMessage<?> message) {
        if (envelope.schemaVersion() == EventTypes.schemaVersionOf(event.getClass())) {
            return LedgerJson.toBytes(event);
        }
        return jdbc.queryForObject("SELECT payload FROM domainevententry WHERE eventidentifier = ?", byte[].class,
                message.getIdentifier());
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

    /** One list per processor batch; the batch commits only when every send in it was acknowledged. */
    private List<PendingSend> pendingSendsOfThisBatch() {
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        return batch.getOrComputeResource(PENDING_SENDS, key -> {
            List<PendingSend> pending = new ArrayList<>();
            batch.onPrepareCommit(u -> awaitAcknowledgements(pending));
            return pending;
        });
    }

    private void awaitAcknowledgements(List<PendingSend> pending) {
        long timeoutMs = properties.deliveryTimeout().toMillis() + 5_000;
        try {
            for (PendingSend send : pending) {
                send.future().get(timeoutMs, TimeUnit.MILLISECONDS);
                published.increment();
                publishDelay.record(Duration.between(send.appendedAt(), Instant.now()));
                lastPublishedPosition.accumulateAndGet(send.position(), Math::max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublicationFailed("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            resetProducer();
            throw new PublicationFailed("Kafka did not acknowledge an event; the batch will be retried", e);
        }
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            current = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                    ProducerConfig.LINGER_MS_CONFIG, 2,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) properties.deliveryTimeout().toMillis(),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    (int) Math.min(10_000, properties.deliveryTimeout().toMillis() / 2),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.CLIENT_ID_CONFIG, "ledger-service-publisher"),
                    new StringSerializer(), new ByteArraySerializer());
            producer = current;
        }
        return current;
    }

    private void resetProducer() {
        Producer<String, byte[]> broken = producer;
        producer = null;
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
                    properties.replicationFactor());
        } catch (InfiniteRetentionTopic.TopicUnavailable e) {
            throw new PublicationFailed(e.getMessage(), e);
        }
        topicReady = true;
    }

    @Override
    public void destroy() {
        resetProducer();
    }

    private record PendingSend(Future<RecordMetadata> future, Instant appendedAt, long position) {
    }

    static class PublicationFailed extends RuntimeException {
        PublicationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
