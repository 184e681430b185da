package org.agreementledger.auditor;

import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.EventChain;
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

/**
 * Writes events to a topic sealed into their chains the way the ledger does, in any schema version. Events in the
 * current version carry a trace context ({@code ce_traceparent}) as a traced ledger's do; older ones none, as an
 * older ledger's did.
 */
final class SealedLog implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Map<String, String> heads = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private Instant clock = Instant.parse("2025-02-01T09:00:00Z");

    SealedLog(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    void append(AgreementEvent event) {
        append(EventTypes.nameOf(event.getClass()), event.agreementId(), EventTypes.schemaVersionOf(event.getClass()),
                LedgerJson.toBytes(event), true);
    }

    void append(String type, AgreementId agreementId, int schemaVersion, String json) {
        append(type, agreementId, schemaVersion, json.getBytes(StandardCharsets.UTF_8), false);
    }

    private void append(String type, AgreementId agreementId, int schemaVersion, byte[] body, boolean traced) {
        clock = clock.plusSeconds(3600);
        long sequence = sequences.merge(agreementId.value(), 1L, Long::sum) - 1;
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), type, agreementId, sequence, clock,
                schemaVersion, Optional.of("audit-test"), Optional.empty(), Optional.of("integration-service"),
                Optional.empty(), Optional.ofNullable(heads.get(agreementId.value())), Optional.empty());
        EventEnvelope sealed = envelope.withHash(EventChain.hashOf(envelope, body));
        heads.put(agreementId.value(), sealed.hash().orElseThrow());
        RecordHeaders headers = new RecordHeaders();
        sealed.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        if (traced) {
            headers.add(EventHeaders.TRACEPARENT, ("00-4bf92f3577b34da6a3ce929d0e0e4736-" + Long.toHexString(
                    0x1000_0000_0000_0000L + sequence) + "-01").getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(new ProducerRecord<>(topic, null, agreementId.value(), body, headers)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
