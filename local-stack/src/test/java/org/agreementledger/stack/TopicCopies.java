package org.agreementledger.stack;

import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What someone with write access to the broker could do to the log: read it whole, change it, and write it back
 * as a new topic with a raw producer, partition for partition. The auditor is then pointed at the copy.
 */
final class TopicCopies {

    /** One record as a tamperer holds it: headers and body can be changed freely. */
    static final class Rec {
        final String key;
        final Map<String, String> headers;
        byte[] body;

        Rec(String key, Map<String, String> headers, byte[] body) {
            this.key = key;
            this.headers = headers;
            this.body = body;
        }

        Rec copy() {
            return new Rec(key, new LinkedHashMap<>(headers), body.clone());
        }

        String agreementId() {
            return headers.get(EventHeaders.SUBJECT);
        }

        long sequence() {
            return Long.parseLong(headers.get(EventHeaders.SEQUENCE));
        }

        String type() {
            return headers.get(EventHeaders.TYPE);
        }

        /** Re-seals this record as a forger would: its hash recomputed over what it now says. */
        void rehash() {
            EventEnvelope envelope = EventEnvelope.fromHeaders(headers::get);
            headers.put(EventHeaders.HASH, EventChain.hashOf(envelope, body));
        }
    }

    private final String bootstrap;

    TopicCopies(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The whole topic, by partition, in offset order. */
    TreeMap<Integer, List<Rec>> read(String topic) {
        TreeMap<Integer, List<Rec>> partitions = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            all.forEach(p -> partitions.put(p.partition(), new ArrayList<>()));
            while (all.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                    }
                    partitions.get(record.partition()).add(new Rec(record.key(), headers, record.value()));
                }
            }
        }
        return partitions;
    }

    /** Copies the topic into a new one after {@code tamper} has had its way with the records. */
    String copyWith(String topic, Consumer<TreeMap<Integer, List<Rec>>> tamper) {
        TreeMap<Integer, List<Rec>> records = read(topic);
        TreeMap<Integer, List<Rec>> copy = new TreeMap<>();
        records.forEach((p, list) -> copy.put(p, new ArrayList<>(list.stream().map(Rec::copy).toList())));
        tamper.accept(copy);
        String name = "tampered-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, copy.size(), (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // Not idempotent, one request in flight: right after the topic is created its leaders may not be known yet,
        // and an idempotent producer's retries then kept failing with OUT_OF_ORDER_SEQUENCE_NUMBER until its
        // 120 s delivery timeout (seen once); plain retries with one request in flight keep the order as well.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new ByteArraySerializer())) {
            copy.forEach((partition, list) -> {
                for (Rec rec : list) {
                    RecordHeaders headers = new RecordHeaders();
                    rec.headers.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
                    producer.send(new ProducerRecord<>(name, partition, rec.key, rec.body, headers));
                }
            });
            producer.flush();
        }
        return name;
    }

    /** The records of one agreement in its partition, in order, with their indexes in that partition's list. */
    static List<Rec> of(TreeMap<Integer, List<Rec>> records, String agreementId) {
        return records.values().stream().flatMap(List::stream).filter(r -> agreementId.equals(r.agreementId())).toList();
    }

    static List<Rec> partitionOf(TreeMap<Integer, List<Rec>> records, String agreementId) {
        return records.values().stream().filter(list -> list.stream().anyMatch(r -> agreementId.equals(r.agreementId())))
                .findFirst().orElseThrow();
    }
}
