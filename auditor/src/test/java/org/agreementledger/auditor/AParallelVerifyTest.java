package org.agreementledger.auditor;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifying on many threads finds what one finds, in the same order, with the same words: here an event altered in
 * one partition and one whose record names a second agreement in a repeated header, and an event removed from another
 * and one with content appended after its JSON, among intact agreements in both.
 */
class AParallelVerifyTest {

    private static String topic;
    private static String bootstrap;
    private static final AgreementId ALTERED = AgreementId.generate();
    private static final AgreementId GAPPED = AgreementId.generate();
    private static final AgreementId PADDED = AgreementId.generate();
    private static final AgreementId DOUBLED = AgreementId.generate();

    @BeforeAll
    static void aTamperedLogOverTwoPartitions() throws Exception {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        bootstrap = infrastructure.kafka().bootstrapServers();
        topic = infrastructure.freshTopic("auditor-parallel", 2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                AgreementId intact = AgreementId.generate();
                records.addAll(chain(intact, i % 2, 3, -1, -1, -1));
                if (i == 17) {
                    records.addAll(chain(ALTERED, 0, 4, 1, -1, -1));
                    records.addAll(chain(GAPPED, 1, 4, -1, 2, -1));
                    records.addAll(chain(PADDED, 1, 3, -1, -1, 1));
                    records.addAll(withADecoySubjectFirst(chain(DOUBLED, 0, 3, -1, -1, -1), 1));
                }
            }
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }

    /**
     * An agreement's events sealed into their chain, all in one partition; one altered after sealing, one left out, one
     * with a second JSON document appended after sealing (which a reader taking the first would hash as sealed).
     */
    private static List<ProducerRecord<String, byte[]>> chain(AgreementId id, int partition, int events, int alter, int remove,
                                                             int pad) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        String previous = null;
        for (int sequence = 0; sequence < events; sequence++) {
            byte[] body = ("{\"agreementId\":\"" + id + "\",\"acceptingParty\":\"US\",\"acceptedOn\":\"2025-02-0" + (sequence + 1) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            EventEnvelope envelope = new EventEnvelope(UUID.randomUUID().toString(), "AgreementAccepted", id, sequence,
                    Instant.parse("2025-02-05T10:00:00.123Z").plusSeconds(sequence), 1, Optional.empty(), Optional.empty(),
                    Optional.of("integration-service-us"), Optional.of("US"), Optional.ofNullable(previous), Optional.empty());
            EventEnvelope sealed = envelope.withHash(EventChain.hashOf(envelope, body));
            previous = sealed.hash().orElseThrow();
            if (sequence == alter) {
                body = new String(body, StandardCharsets.UTF_8).replace("\"US\"", "\"SV\"").getBytes(StandardCharsets.UTF_8);
            }
            if (sequence == pad) {
                body = (new String(body, StandardCharsets.UTF_8) + "{\"acceptingParty\":\"SV\"}").getBytes(StandardCharsets.UTF_8);
            }
            if (sequence != remove) {
                RecordHeaders headers = new RecordHeaders();
                sealed.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                records.add(new ProducerRecord<>(topic, partition, id.value(), body, headers));
            }
        }
        return records;
    }

    /** The records, the one at {@code index} carrying a first {@code ce_subject} that names another agreement. */
    private static List<ProducerRecord<String, byte[]>> withADecoySubjectFirst(List<ProducerRecord<String, byte[]>> records,
                                                                               int index) {
        ProducerRecord<String, byte[]> sealed = records.get(index);
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.SUBJECT, AgreementId.generate().value().getBytes(StandardCharsets.UTF_8));
        sealed.headers().forEach(headers::add);
        records.set(index, new ProducerRecord<>(sealed.topic(), sealed.partition(), sealed.key(), sealed.value(), headers));
        return records;
    }

    @Test
    void manyThreadsReportTheAlteredTheRemovedThePaddedAndTheDoubledEventAsOneThreadDoes() {
        Run one = auditor("--threads=1");
        Run four = auditor("--threads=4");

        assertThat(one.exitCode).as(one.out).isEqualTo(1);
        assertThat(four.exitCode).isEqualTo(1);
        assertThat(one.out).contains("FAILED: 6 finding(s)")
                .contains("ALTERED " + ALTERED + " #1 at partition 0 offset 28: its content hashes to")
                .contains("MISSING " + GAPPED + " #2 at partition 1 offset 29: #2 is absent: the history jumps from #1 to #3")
                .contains("MALFORMED " + PADDED + " #1 at partition 1 offset 31: unreadable body")
                .contains("MALFORMED " + DOUBLED + " #1 at partition 0 offset 32: header ce_subject is given more than once")
                .contains("Agreements: 44, chains intact: 40, broken: 4");
        assertThat(withoutTimings(four.out)).isEqualTo(withoutTimings(one.out));
    }

    /** The read's duration and rate differ from run to run; nothing else may. */
    private static String withoutTimings(String out) {
        return out.replaceAll("in [0-9.]+ s: [0-9,]+ events/s", "in … s");
    }

    private record Run(int exitCode, String out) {
    }

    private static Run auditor(String threads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Auditor.run(print, print, "verify", "--bootstrap-servers", bootstrap, "--topic", topic,
                "--checkpoint-topic", "-", "--no-progress", "--all", threads);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }
}
