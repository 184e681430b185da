package org.agreementledger.projection.support;

import org.agreementledger.contract.AgreementEvent;
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
import java.util.Map;
import java.util.UUID;

/** Publishes events to a topic the way the ledger does: keyed by agreement, CloudEvents headers, JSON body. */
public final class LedgerRecords implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    /** Publishes to the JVM's shared test broker. */
    public LedgerRecords(String topic) {
        this(topic, SharedTestInfrastructure.get().kafka().bootstrapServers());
    }

    public LedgerRecords(String topic, String bootstrapServers) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    public String publish(AgreementEvent event, long sequence) {
        return publish(event, sequence, UUID.randomUUID().toString());
    }

    /** Publishes with a given event id, so a test can redeliver exactly the same event. */
    public String publish(AgreementEvent event, long sequence, String eventId) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, EventHeaders.SPEC_VERSION, "1.0");
        add(headers, EventHeaders.ID, eventId);
        add(headers, EventHeaders.SOURCE, EventHeaders.SOURCE_VALUE);
        add(headers, EventHeaders.TYPE, EventTypes.nameOf(event.getClass()));
        add(headers, EventHeaders.SUBJECT, event.agreementId().value());
        add(headers, EventHeaders.TIME, Instant.now().toString());
        add(headers, EventHeaders.SEQUENCE, Long.toString(sequence));
        add(headers, EventHeaders.CORRELATION_ID, "test-correlation");
        try {
            producer.send(new ProducerRecord<>(topic, null, event.agreementId().value(),
                    LedgerJson.toBytes(event), headers)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return eventId;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }
}
