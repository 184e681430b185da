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
 *   java -cp … org.agreementledger.auditor.VerifyRate serve 300000 [AGREEMENTS] &   # prints the bootstrap address, then waits
 *   java -cp … org.agreementledger.auditor.VerifyRate measure localhost:PORT 3
 *   java -cp … org.agreementledger.auditor.VerifyRate read localhost:PORT      # one cold plain read in its own JVM
 * </pre>
 * The topic is filled as the benchmark fills it (one sealed offer per agreement; or, given AGREEMENTS, that many
 * agreements whose events are chained, taken in turn), six partitions, keyed by agreement,
 * each with its transparency-log index, and a tree head over them signed by a key whose public half {@code serve}
 * writes to {@code verify-rate-key.json}. A line {@code more M} on its standard input appends M events and a new
 * tree head, for {@code measure-since}, which compares a full verify (saving its state) with verify --since.
 */
final class VerifyRate {

    private static final String BODY = "{\"agreementId\":\"%s\",\"offeringParty\":\"SV\",\"parties\":[\"SV\",\"US\"],"
            + "\"offeredOn\":\"2025-02-03\",\"terms\":{\"title\":\"El Salvador offers to accept deportees of any "
            + "nationality into CECOT for a fee\",\"commitments\":[],\"feeSchedules\":[],\"validity\":{\"from\":\"2025-02-03\"}}}";

    private VerifyRate() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(Long.parseLong(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 0);
        } else if (args[0].equals("read")) {
            readOnce(args[1]);
        } else if (args[0].equals("measure-since")) {
            measureSince(args[1], Integer.parseInt(args[2]), args[3]);
        } else {
            measure(args[1], Integer.parseInt(args[2]), java.util.Arrays.copyOfRange(args, 3, args.length));
        }
    }

    /** The log's test key: its seed is public, it signs nothing but this measurement's tree heads. */
    private static final org.agreementledger.contract.integrity.SignedNote.SignerKey LOG_KEY =
            new org.agreementledger.contract.integrity.SignedNote.SignerKey("verify-rate.local/log",
                    org.agreementledger.contract.integrity.SignedNote.ED25519,
                    org.agreementledger.contract.integrity.Sha256.digest("verify-rate log key".getBytes(StandardCharsets.UTF_8)));

    /** @param agreements 0: each record a new agreement's offer; otherwise that many agreements, their events chained */
    private static void serve(long records, int agreements) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("verify-rate"), FreePorts.next(),
                FreePorts.next());
        broker.createTopicIfAbsent(LedgerTopics.AGREEMENT_EVENTS, 6);
        broker.createTopicIfAbsent(LedgerTopics.CHECKPOINTS, 1);
        java.security.PublicKey publicKey = java.security.KeyFactory.getInstance("Ed25519").generatePublic(
                new java.security.spec.X509EncodedKeySpec(java.util.HexFormat.of().parseHex("302a300506032b6570032100"
                        + java.util.HexFormat.of().formatHex(LOG_KEY.verifierKey().publicKey()))));
        Files.writeString(java.nio.file.Path.of("verify-rate-key.json"),
                org.agreementledger.contract.integrity.LedgerKeys.jwkSet(publicKey).toString());
        List<byte[]> leaves = new java.util.ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            History history = new History(agreements);
            append(producer, leaves, history, records);
            System.out.println("READY " + broker.bootstrapServers());
            java.io.BufferedReader commands = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                if (line.startsWith("more ")) {
                    append(producer, leaves, history, Long.parseLong(line.substring(5).trim()));
                    System.out.println("APPENDED " + leaves.size());
                }
            }
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Appends sealed offers with their log indices, then a signed tree head over every leaf so far. */
    private static void append(KafkaProducer<String, byte[]> producer, List<byte[]> leaves, History history, long records) {
        Instant time = Instant.parse("2025-02-03T10:00:00Z");
        for (long i = 0; i < records; i++) {
            int which = history.next();
            String agreementId = which < 0 ? UUID.randomUUID().toString() : history.ids[which];
            long sequence = which < 0 ? 0 : history.sequences[which];
            byte[] body = EventChain.publishedBody(BODY.formatted(agreementId).getBytes(StandardCharsets.UTF_8));
            EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementOffered",
                    AgreementId.of(agreementId), sequence, time.plusMillis(leaves.size()), 1, Optional.empty(),
                    Optional.empty(), Optional.of("benchmark"), Optional.of("SV"),
                    Optional.ofNullable(which < 0 ? null : history.hashes[which]), Optional.empty());
            String hash = EventChain.hashOf(envelope, body);
            if (which >= 0) {
                history.sequences[which]++;
                history.hashes[which] = hash;
            }
            RecordHeaders headers = new RecordHeaders();
            envelope.withHash(hash).toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            headers.add(org.agreementledger.contract.EventHeaders.LOG_INDEX,
                    Long.toString(leaves.size()).getBytes(StandardCharsets.UTF_8));
            leaves.add(org.agreementledger.contract.integrity.MerkleTree.leafHash(java.util.HexFormat.of().parseHex(hash)));
            producer.send(new ProducerRecord<>(LedgerTopics.AGREEMENT_EVENTS, null, agreementId, body, headers));
        }
        var head = new org.agreementledger.contract.integrity.TreeHead(LOG_KEY.name(), leaves.size(),
                org.agreementledger.contract.integrity.MerkleTree.rootHash(leaves));
        String note = new org.agreementledger.contract.integrity.SignedNote.Note(head.text(),
                List.of(org.agreementledger.contract.integrity.SignedNote.sign(head.text(), LOG_KEY))).encoded();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(LedgerTopics.CHECKPOINTS, null,
                LedgerTopics.treeHeadKey(leaves.size()), note.getBytes(StandardCharsets.UTF_8));
        record.headers().add(LedgerTopics.RECORD_KIND_HEADER, LedgerTopics.TREE_HEAD.getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    /** The agreements whose events are chained, taken in turn; none: each record a new agreement. */
    private static final class History {
        final String[] ids;
        final long[] sequences;
        final String[] hashes;
        private int turn;

        History(int agreements) {
            ids = new String[agreements];
            sequences = new long[agreements];
            hashes = new String[agreements];
            for (int i = 0; i < agreements; i++) {
                ids[i] = UUID.randomUUID().toString();
            }
        }

        int next() {
            return ids.length == 0 ? -1 : turn++ % ids.length;
        }
    }

    /**
     * Rounds of a full verify that saves its state, then (after {@code more} was sent to serve) rounds of verify
     * --since that state: wall-clock time and process CPU of each.
     */
    private static void measureSince(String bootstrap, int rounds, String phase) throws Exception {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String state = "verify-rate-state.json";
        for (int round = 1; round <= rounds; round++) {
            List<String> args = new java.util.ArrayList<>(List.of("verify", "--bootstrap-servers", bootstrap, "--no-progress",
                    "--trusted-key", "verify-rate-key.json"));
            args.addAll(phase.equals("full") ? List.of("--save-state", state) : List.of("--since", state));
            long start = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int exit = Auditor.run(new PrintStream(out, true, StandardCharsets.UTF_8), nowhere, args.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            String verified = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("VERIFIED")
                    || l.startsWith("FAILED")).findFirst().orElse("?");
            System.out.printf("%s round %d: %.2f s wall, %.2f s CPU, exit %d: %s%n", phase, round, seconds,
                    (os.getProcessCpuTime() - cpu) / 1e9, exit, verified);
        }
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

    /** One plain read in a JVM of its own, as cold as the auditor's: the baseline the benchmark's audit phase means. */
    private static void readOnce(String bootstrap) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        long read = readPlain(bootstrap);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("plain read: %,d records in %.2f s, %,.0f/s, %.1f µs CPU each (JVM's whole CPU)%n", read, seconds,
                read / seconds, os.getProcessCpuTime() / 1e3 / read);
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
