package org.agreementledger.benchmarks;

import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.stack.StackConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The auditor's {@code verify} over the whole events topic, run as an auditor runs it (its own JVM, the runnable
 * jar), against raw baselines in the same run: a plain consumer reading the same records and doing nothing with them,
 * once in the benchmark's JVM (the baseline of the earlier runs) and, round by round interleaved with the verifies, in
 * a JVM of its own started like the auditor's (same heap, cold, its start counted): the like-for-like one.
 */
final class AuditBenchmark {

    /**
     * The heap an auditor would give verify for this many records, by docs/audit.md ("Memory": about 130 MB held per
     * million one-event agreements, give it twice that): 512 MB up to a million, 256 MB more for each million after.
     * A fixed 512 MB ran out at 2.1 million (run Z33).
     */
    private static String auditorHeap(long records) {
        return "-Xmx" + Math.max(512, 256 + 256 * ((records + 999_999) / 1_000_000)) + "m";
    }
    static final int ROUNDS = 3;

    /** One round: a cold plain read in its own JVM, then a verify; seconds from each process's start to its exit. */
    record Round(double plainSeconds, double verifySeconds, int exitCode) {
    }

    record Result(long records, String heap, double rawSeconds, List<Round> rounds, String lastLines) {
        double rawRate() {
            return records / rawSeconds;
        }

        double median(java.util.function.ToDoubleFunction<Round> value) {
            double[] sorted = rounds.stream().mapToDouble(value).sorted().toArray();
            return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
    }

    private AuditBenchmark() {
    }

    static Result run(StackConfig config) throws IOException, InterruptedException {
        LedgerBenchmark.progress("Audit: reading the whole topic with a plain consumer in this JVM (baseline)");
        long rawStart = System.nanoTime();
        long records = readRaw(config.kafkaBootstrap());
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

        Path jar = Path.of(System.getProperty("auditor.jar", "auditor/target/auditor-0.1.0-SNAPSHOT-exec.jar"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Round> rounds = new java.util.ArrayList<>();
        String last = "";
        String heap = auditorHeap(records);
        for (int round = 1; round <= ROUNDS; round++) {
            LedgerBenchmark.progress("Audit round %d/%d: a plain read in a JVM of its own, then java %s -jar %s verify over"
                    + " %,d records", round, ROUNDS, heap, jar, records);
            Timed plain = timed(new ProcessBuilder(java, heap, "-Dlogback.configurationFile="
                    + System.getProperty("logback.configurationFile", ""), "-cp", System.getProperty("java.class.path"),
                    AuditBenchmark.class.getName(), config.kafkaBootstrap()));
            List<String> printed = plain.printed().strip().lines().toList();
            if (plain.exitCode() != 0 || printed.isEmpty() || !printed.get(printed.size() - 1).equals(Long.toString(records))) {
                throw new IllegalStateException("the plain read in its own JVM failed: " + plain.printed());
            }
            Timed verify = timed(new ProcessBuilder(java, heap, "-jar", jar.toString(), "verify",
                    "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress"));
            List<String> lines = verify.printed().lines().toList();
            last = String.join("\n", lines.subList(Math.max(0, lines.size() - 14), lines.size()));
            rounds.add(new Round(plain.seconds(), verify.seconds(), verify.exitCode()));
        }
        return new Result(records, heap, rawSeconds, rounds, last);
    }

    private record Timed(double seconds, int exitCode, String printed) {
    }

    private static Timed timed(ProcessBuilder command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = command.redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(1, TimeUnit.HOURS);
        return new Timed((System.nanoTime() - start) / 1e9, process.exitValue(), printed);
    }

    /** The like-for-like baseline's JVM: reads the events topic once and prints how many records it read. */
    public static void main(String[] args) {
        System.out.println(readRaw(args[0]));
    }

    private static long readRaw(String bootstrap) {
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
