package org.agreementledger.auditor;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.infra.EmbeddedKafkaBroker;
import org.agreementledger.infra.FreePorts;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A quick, side-by-side measure of {@code auditor verify} against a plain consumer reading the same topic, without
 * the whole benchmark stack (which starts both services). Not a test: run by hand, the broker in its own JVM so the
 * measured one holds only the readers (and can be profiled with JFR):
 * <pre>
 *   java -cp … org.agreementledger.auditor.VerifyRate serve 300000 &   # prints the bootstrap address, then waits
 *   java -cp … org.agreementledger.auditor.VerifyRate measure localhost:PORT 3
 * </pre>
 * The topic is filled as the benchmark fills it: one sealed offer per agreement, six partitions, keyed by agreement.
 */
final class VerifyRate {

    private static final String BODY = "{\"agreementId\":\"%s\",\"offeringParty\":\"SV\",\"parties\":[\"SV\",\"US\"],"
            + "\"offeredOn\":\"2025-02-03\",\"terms\":{\"title\":\"El Salvador offers to accept deportees of any "
            + "nationality into CECOT for a fee\",\"commitments\":[],\"feeSchedules\":[],\"validity\":{\"from\":\"2025-02-03\"}}}";

    private VerifyRate() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(Long.parseLong(args[1]));
        } else {
            measure(args[1], Integer.parseInt(args[2]), java.util.Arrays.copyOfRange(args, 3, args.length));
        }
    }

    private static void serve(long records) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("verify-rate"), FreePorts.next(),
                FreePorts.next());
        broker.createTopicIfAbsent(LedgerTopics.AGREEMENT_EVENTS, 6);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            Instant time = Instant.parse("2025-02-03T10:00:00Z");
            for (long i = 0; i < records; i++) {
                String agreementId = UUID.randomUUID().toString();
                byte[] body = BODY.formatted(agreementId).getBytes(StandardCharsets.UTF_8);
                EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementOffered",
                        AgreementId.of(agreementId), 0, time.plusMillis(i), 1, Optional.empty(), Optional.empty(),
                        Optional.of("benchmark"), Optional.of("SV"), Optional.empty(), Optional.empty());
                RecordHeaders headers = new RecordHeaders();
                envelope.withHash(EventChain.hashOf(envelope, body)).toHeaders()
                        .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(LedgerTopics.AGREEMENT_EVENTS, null, agreementId, body, headers));
            }
            producer.flush();
        }
        System.out.println("READY " + broker.bootstrapServers());
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Per round: the plain read, then verify (with any extra auditor options), each with its rate and CPU per record. */
    private static void measure(String bootstrap, int rounds, String... options) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        List<String> args = new java.util.ArrayList<>(List.of("verify", "--bootstrap-servers", bootstrap, "--no-progress",
                "--checkpoint-topic", "-"));
        args.addAll(List.of(options));
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            long read = readPlain(bootstrap);
            double plain = read / ((System.nanoTime() - start) / 1e9);
            double plainCpu = (os.getProcessCpuTime() - cpu) / 1e3 / read;
            start = System.nanoTime();
            cpu = os.getProcessCpuTime();
            int exit = Auditor.run(nowhere, System.err, args.toArray(String[]::new));
            double verify = read / ((System.nanoTime() - start) / 1e9);
            double verifyCpu = (os.getProcessCpuTime() - cpu) / 1e3 / read;
            System.out.printf("round %d: %,d records, plain %,.0f/s (%.1f µs CPU each), verify %,.0f/s (%.1f µs CPU each, exit %d),"
                    + " verify/plain %.2f%n", round, read, plain, plainCpu, verify, verifyCpu, exit, verify / plain);
        }
    }

    private static long readPlain(String bootstrap) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 50 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 10 * 1024 * 1024),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(LedgerTopics.AGREEMENT_EVENTS).stream()
                    .map(p -> new TopicPartition(LedgerTopics.AGREEMENT_EVENTS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read;
        }
    }
}
