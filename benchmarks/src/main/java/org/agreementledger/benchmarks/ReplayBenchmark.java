package org.agreementledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.TimeOrderedIds;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.LocalStack;
import org.agreementledger.stack.StackConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rebuild rate: fills the events topic to at least N records (offers of new agreements, written straight to
 * the topic the way the ledger publishes them, because appending a million events through the ledger would take
 * over an hour here), lets the live projection consume them, then times a full rebuild of every view.
 */
final class ReplayBenchmark {

    /**
     * @param projectSeconds how long the live projection took to consume what was written (all of it, when the topic
     *                       was empty: the live projection's own rate)
     * @param phaseMillis    the rebuild's own account of its steps
     * @param cpuSeconds     CPU the projection and PostgreSQL spent during the rebuild
     * @param profile        PostgreSQL's statements, WAL and pages per event over the rebuild; null unless profiled
     */
    record Result(long recordsOnTopic, long recordsReplayed, double seconds, double eventsPerSecond, boolean identical,
                  double fillSeconds, long written, double projectSeconds, String phaseMillis,
                  Map<String, Double> cpuSeconds, String profile) {
    }

    /** What filling the topic took: writing the records, and the live projection's consuming them. */
    record Fill(long written, double writeSeconds, double projectSeconds) {
    }

    static final String PROJECTION = "projection-service";
    static final String POSTGRES = "PostgreSQL";

    private ReplayBenchmark() {
    }

    /** @param profile reset just before the rebuild and read just after; null for none */
    static Result run(StackConfig config, LocalIdentityProvider identity, PipelineDrain drain, long events,
                      LocalStack stack, Profile profile) throws Exception {
        Fill fill = fill(config, drain, events);
        long total = drain.backlog().published();
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(PROJECTION, stack.projectionPid());
        pids.put(POSTGRES, stack.postmasterPid());
        if (profile != null) {
            profile.reset();
        }
        Map<String, Long> cpuBefore = ProcessCpu.read(pids, POSTGRES);

        String token = identity.mint("bench-operator", null, List.of("ledger.admin"), Duration.ofHours(2));
        LedgerBenchmark.progress("Replay: rebuilding every view from %,d records", total);
        long start = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(config.projectionUrl() + "/admin/rebuild"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofHours(2))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        ProcessCpu.microsBetween(cpuBefore, ProcessCpu.read(pids, POSTGRES)).forEach((name, micros) -> cpuSeconds.put(name, micros / 1e6));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("rebuild answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode report = new ObjectMapper().readTree(response.body());
        long replayed = report.path("recordsReplayed").asLong();
        return new Result(total, replayed, seconds, replayed / seconds, report.path("identical").asBoolean(),
                fill.writeSeconds(), fill.written(), fill.projectSeconds(), report.path("phaseMillis").toString(),
                cpuSeconds, profile == null ? null : profile.summarise(replayed, "event"));
    }

    /** Tops the topic up to {@code events} records and waits until the projection has consumed them. */
    static Fill fill(StackConfig config, PipelineDrain drain, long events) throws Exception {
        long onTopic = drain.backlog().published();
        long toWrite = Math.max(0, events - onTopic);
        long fillStart = System.nanoTime();
        LedgerBenchmark.progress("Replay: writing %,d offers straight to %s", toWrite, LedgerTopics.AGREEMENT_EVENTS);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"), new StringSerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < toWrite; i++) {
                String agreementId = AgreementId.generate().value();
                // published and sealed as the ledger publishes and seals a first event, so the auditor can verify it too
                byte[] body = EventChain.publishedBody(SampleEvent.offeredEvent(agreementId));
                EventEnvelope envelope = new EventEnvelope(TimeOrderedIds.next().toString(), "AgreementOffered",
                        AgreementId.of(agreementId), 0, Instant.now().truncatedTo(ChronoUnit.MILLIS), 1, Optional.empty(),
                        Optional.empty(), Optional.of("benchmark"), Optional.of("SV"), Optional.empty(), Optional.empty());
                RecordHeaders headers = new RecordHeaders();
                envelope.withHash(EventChain.hashOf(envelope, body)).toHeaders()
                        .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(LedgerTopics.AGREEMENT_EVENTS, null, agreementId, body, headers));
                if (i > 0 && i % 100_000 == 0) {
                    LedgerBenchmark.progress("  %,d written", i);
                }
            }
            producer.flush();
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        LedgerBenchmark.progress("Replay: waiting for the live projection to consume them");
        long projectStart = System.nanoTime();
        drain.await();
        return new Fill(toWrite, fillSeconds, (System.nanoTime() - projectStart) / 1e9);
    }

}
