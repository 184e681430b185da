package org.agreementledger.projection.support;

import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Publishes events to a topic the way the ledger does: keyed by agreement, CloudEvents headers, JSON body. */
public final class LedgerRecords implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final boolean transactional;

    /** Publishes to the JVM's shared test broker. */
    public LedgerRecords(String topic) {
        this(topic, SharedTestInfrastructure.get().kafka().bootstrapServers());
    }

    public LedgerRecords(String topic, String bootstrapServers) {
        this(topic, bootstrapServers, false);
    }

    private LedgerRecords(String topic, String bootstrapServers, boolean transactional) {
        this.topic = topic;
        this.transactional = transactional;
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"));
        if (transactional) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ledger-records-" + UUID.randomUUID());
        }
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        if (transactional) {
            producer.initTransactions();
        }
    }

    /** Publishes each record in a Kafka transaction of its own: a commit marker follows it on the partition. */
    public static LedgerRecords inTransactions(String topic) {
        return new LedgerRecords(topic, SharedTestInfrastructure.get().kafka().bootstrapServers(), true);
    }

    public String publish(AgreementEvent event, long sequence) {
        return publish(event, sequence, UUID.randomUUID().toString());
    }

    /** Publishes with a given event id, so a test can redeliver exactly the same event. */
    public String publish(AgreementEvent event, long sequence, String eventId) {
        return publish(EventTypes.nameOf(event.getClass()), event.agreementId(), sequence,
                EventTypes.schemaVersionOf(event.getClass()), LedgerJson.toBytes(event), eventId);
    }

    /** Publishes an event's JSON as recorded in any schema version, e.g. by an older ledger. */
    public String publish(String type, AgreementId agreementId, long sequence, int schemaVersion, byte[] json, String eventId) {
        return publish(type, agreementId, sequence, schemaVersion, json, eventId, Map.of());
    }

    /** Publishes as the ledger does with tracing on: the record continues the trace of its publication. */
    public String publishTraced(AgreementEvent event, long sequence, String traceparent) {
        return publish(EventTypes.nameOf(event.getClass()), event.agreementId(), sequence,
                EventTypes.schemaVersionOf(event.getClass()), LedgerJson.toBytes(event), UUID.randomUUID().toString(),
                Map.of(EventHeaders.TRACEPARENT, traceparent));
    }

    /**
     * Writes the event in a Kafka transaction that is then aborted, as a publisher that failed mid-transaction leaves
     * it: on the log, behind an abort marker. Needs {@link #inTransactions}.
     */
    public void publishAborted(AgreementEvent event, long sequence) {
        if (!transactional) {
            throw new IllegalStateException("only a transactional producer can abort");
        }
        ProducerRecord<String, byte[]> record = record(EventTypes.nameOf(event.getClass()), event.agreementId(), sequence,
                EventTypes.schemaVersionOf(event.getClass()), LedgerJson.toBytes(event), UUID.randomUUID().toString(), Map.of());
        try {
            producer.beginTransaction();
            producer.send(record).get();
            producer.abortTransaction();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String publish(String type, AgreementId agreementId, long sequence, int schemaVersion, byte[] json,
                           String eventId, Map<String, String> moreHeaders) {
        ProducerRecord<String, byte[]> record = record(type, agreementId, sequence, schemaVersion, json, eventId, moreHeaders);
        try {
            if (transactional) {
                producer.beginTransaction();
            }
            producer.send(record).get();
            if (transactional) {
                producer.commitTransaction();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return eventId;
    }

    private ProducerRecord<String, byte[]> record(String type, AgreementId agreementId, long sequence, int schemaVersion,
                                                  byte[] json, String eventId, Map<String, String> moreHeaders) {
        EventEnvelope envelope = new EventEnvelope(eventId, type, agreementId, sequence, Instant.now(), schemaVersion,
                Optional.of("test-correlation"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        RecordHeaders headers = new RecordHeaders();
        envelope.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        moreHeaders.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, agreementId.value(), json, headers);
    }

    @Override
    public void close() {
        producer.close();
    }
}
