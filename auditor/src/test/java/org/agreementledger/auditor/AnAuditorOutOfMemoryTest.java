package org.agreementledger.auditor;

import org.agreementledger.infra.SharedTestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An auditor given less heap than the log needs proves nothing either way, and must not say the log is broken: run
 * Z33's verify died of {@code OutOfMemoryError} with exit code 1, the code of a finding.
 */
class AnAuditorOutOfMemoryTest {

    @Test
    void anAuditorWithTooLittleHeapForTheLogSaysSoAndDoesNotCallTheLogBroken() throws Exception {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        String bootstrap = infrastructure.kafka().bootstrapServers();
        String topic = infrastructure.freshTopic("auditor-out-of-memory", 1);
        // 40 records of 900 KB: each fetch of them is 10 MiB, more than a 16 MB heap holds beside the auditor
        byte[] body = "x".repeat(900 * 1024).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, body)).get();
            }
        }

        Process auditor = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx16m",
                "-cp", System.getProperty("java.class.path"), Auditor.class.getName(), "verify", "--bootstrap-servers",
                bootstrap, "--topic", topic, "--no-progress").redirectErrorStream(true).start();
        String printed = new String(auditor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(auditor.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(auditor.exitValue()).as(printed).isEqualTo(Auditor.CANNOT_AUDIT);
        assertThat(printed).contains("auditor: out of memory: the audit was not carried out", "-Xmx")
                .doesNotContain("OutOfMemoryError", "FAILED");
        assertThat(List.of(printed.split("\n"))).noneMatch(line -> line.startsWith("\tat "));
    }
}
