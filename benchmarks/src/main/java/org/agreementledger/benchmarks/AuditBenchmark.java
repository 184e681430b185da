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
 * jar), against a raw baseline in the same run: a plain consumer reading the same records and doing nothing with
 * them.
 */
final class AuditBenchmark {

    static final String AUDITOR_HEAP = "-Xmx512m";

    record Result(long records, double rawSeconds, double verifySeconds, int exitCode, String lastLines) {
        double rawRate() {
            return records / rawSeconds;
        }

        double verifyRate() {
            return records / verifySeconds;
        }
    }

    private AuditBenchmark() {
    }

    static Result run(StackConfig config) throws IOException, InterruptedException {
        LedgerBenchmark.progress("Audit: reading the whole topic with a plain consumer (baseline)");
        long rawStart = System.nanoTime();
        long records = readRaw(config.kafkaBootstrap());
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

        Path jar = Path.of(System.getProperty("auditor.jar", "auditor/target/auditor-0.1.0-SNAPSHOT-exec.jar"));
        LedgerBenchmark.progress("Audit: java %s -jar %s verify over %,d records", AUDITOR_HEAP, jar, records);
        Process auditor = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                AUDITOR_HEAP, "-jar", jar.toString(), "verify", "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress")
                .redirectErrorStream(true).start();
        long start = System.nanoTime();
        String printed = new String(auditor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        auditor.waitFor(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> lines = printed.lines().toList();
        String last = String.join("\n", lines.subList(Math.max(0, lines.size() - 14), lines.size()));
        return new Result(records, rawSeconds, seconds, auditor.exitValue(), last);
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
