package org.agreementledger.ledger.tracing;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.CapturedSpans;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caller's W3C trace continues through the ledger: the request, the command's handling, the append and the
 * publication are spans of the caller's trace, and the event's Kafka record carries the publication's context in
 * {@code ce_traceparent} for the projection to continue (projection-service's AppliedRecordsJoinTheirTraceTest).
 */
class ARequestsTraceReachesTheKafkaRecordTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"],
             "title": "El Salvador offers to take deportees of any nationality into CECOT for a fee",
             "offeredOn": "2025-02-03"}""";

    @LocalServerPort
    int port;

    @Autowired
    CapturedSpans spans;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anOffersRecordCarriesTheTraceOfTheRequestThatMadeIt() {
        String traceId = hex(16);
        String callersSpan = hex(8);

        ConsumerRecord<String, byte[]> record = offer(Map.of("traceparent", "00-" + traceId + "-" + callersSpan + "-01"));

        String traceparent = TopicReader.header(record, EventHeaders.TRACEPARENT);
        assertThat(traceparent).matches("00-" + traceId + "-[0-9a-f]{16}-01");
        assertThat(jdbc.queryForObject("""
                SELECT convert_from(metadata, 'UTF8')::jsonb ->> 'traceparent' FROM domainevententry
                WHERE aggregateidentifier = ?""", String.class, record.key()))
                .as("the event store keeps the trace the event was decided in").startsWith("00-" + traceId + "-");

        // the publication's span ends once Kafka has committed, just after a reader may see the record
        await().atMost(Duration.ofSeconds(10)).until(() -> named(traceId, "publish AgreementOffered") != null);
        SpanData request = named(traceId, "http post /agreements");
        SpanData handling = named(traceId, "handle OfferAgreement");
        SpanData append = named(traceId, "append events");
        SpanData publication = named(traceId, "publish AgreementOffered");
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getParentSpanId()).as("the request continues the caller's span").isEqualTo(callersSpan);
        assertThat(within(traceId, handling, request)).as("the command is handled within the request (and its security)")
                .isTrue();
        assertThat(append.getParentSpanId()).isEqualTo(handling.getSpanId());
        assertThat(publication.getParentSpanId()).isEqualTo(handling.getSpanId());
        assertThat(publication.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(traceparent).as("the record continues the publication's span")
                .isEqualTo("00-" + traceId + "-" + publication.getSpanId() + "-01");
    }

    @Test
    void theTraceIsNoPartOfTheEventsHash() {
        ConsumerRecord<String, byte[]> traced = offer(Map.of("traceparent", "00-" + hex(16) + "-" + hex(8) + "-01"));
        ConsumerRecord<String, byte[]> untraced = offer(Map.of());

        for (ConsumerRecord<String, byte[]> record : List.of(traced, untraced)) {
            EventEnvelope envelope = EventEnvelope.fromHeaders(name -> TopicReader.header(record, name));
            assertThat(EventChain.hashOf(envelope, record.value())).isEqualTo(envelope.hash().orElseThrow());
        }
        assertThat(TopicReader.header(traced, EventHeaders.TRACEPARENT)).isNotNull();
        // tracing is on in this context: every record has a context, sampled or not
        assertThat(TopicReader.header(untraced, EventHeaders.TRACEPARENT)).endsWith("-00");
    }

    private ConsumerRecord<String, byte[]> offer(Map<String, String> headers) {
        HttpResponse<String> response = as(port, "SV").post("/agreements", OFFER, headers);
        assertThat(response.statusCode()).isEqualTo(201);
        String agreementId = new LedgerHttp(port, null).json(response).get("agreementId").asText();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC,
                r -> agreementId.equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private SpanData named(String traceId, String name) {
        return spans.ofTrace(traceId).stream().filter(span -> span.getName().equals(name)).findFirst().orElse(null);
    }

    /** Whether {@code span} is {@code ancestor} or one of its descendants. */
    private boolean within(String traceId, SpanData span, SpanData ancestor) {
        Map<String, String> parents = new HashMap<>();
        spans.ofTrace(traceId).forEach(s -> parents.put(s.getSpanId(), s.getParentSpanId()));
        for (String id = span.getSpanId(); id != null; id = parents.get(id)) {
            if (id.equals(ancestor.getSpanId())) {
                return true;
            }
        }
        return false;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
