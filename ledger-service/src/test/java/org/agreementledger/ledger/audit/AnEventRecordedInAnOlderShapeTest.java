package org.agreementledger.ledger.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.CanonicalJson;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import org.agreementledger.ledger.transfer.TreatyRulesOverHttpTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transfer recorded by a ledger of schema version 1 (headcounts without an age group), sealed into its chain as
 * that ledger sealed it: today's ledger still loads it (through the upcaster) and publishes it exactly as recorded.
 */
class AnEventRecordedInAnOlderShapeTest extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aVersion1TransferStillCountsForTheAggregateAndIsPublishedAsRecorded() throws Exception {
        String agreementId = as(port, "SV").ok("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER).get("agreementId").asText();
        LedgerHttp us = as(port, "US");
        us.ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        String transferId = UUID.randomUUID().toString();
        long sequence = appendVersion1Transfer(agreementId, transferId);

        var completed = us.post("/agreements/" + agreementId + "/transfers/" + transferId + "/completion",
                "{\"completedOn\": \"2025-03-16\"}");

        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC,
                r -> agreementId.equals(r.key()), (int) sequence + 2, Duration.ofSeconds(20));
        ConsumerRecord<String, byte[]> old = records.get((int) sequence);
        assertThat(TopicReader.header(old, EventHeaders.SCHEMA_VERSION)).isEqualTo("1");
        assertThat(new String(old.value(), StandardCharsets.UTF_8)).doesNotContain("ageGroup")
                .as("in the form its hash covers").isEqualTo(new String(CanonicalJson.bytes(old.value()), StandardCharsets.UTF_8));
        EventEnvelope envelope = EventEnvelope.fromHeaders(name -> TopicReader.header(old, name));
        assertThat(envelope.hash()).hasValue(EventChain.hashOf(envelope, old.value()));
        ConsumerRecord<String, byte[]> next = records.get((int) sequence + 1);
        assertThat(TopicReader.header(next, EventHeaders.TYPE)).isEqualTo("TransferCompleted");
        assertThat(TopicReader.header(next, EventHeaders.PREVIOUS_HASH)).isEqualTo(envelope.hash().orElseThrow());
    }

    /** Appends, as the version 1 ledger did, a sealed TransferRecorded whose headcounts have no age group. */
    private long appendVersion1Transfer(String agreementId, String transferId) throws Exception {
        Map<String, Object> last = jdbc.queryForMap("""
                SELECT sequencenumber, convert_from(metadata, 'UTF8') AS metadata, timestamp FROM domainevententry
                WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1""", agreementId);
        long sequence = (Long) last.get("sequencenumber") + 1;
        ObjectNode metaData = (ObjectNode) LedgerJson.readTree(((String) last.get("metadata")).getBytes(StandardCharsets.UTF_8));
        String previousHash = metaData.get("hash").asText();
        String payload = """
                {"agreementId":"%s","transferId":"%s","fromCountry":"US","toCountry":"SV","transferDate":"2025-03-15",
                 "headcounts":[{"nationality":"VE","category":"GANG_MEMBER","sex":"MALE","count":238}],
                 "reference":"recorded by ledger v1"}""".formatted(agreementId, transferId);
        String eventId = UUID.randomUUID().toString();
        Instant time = Instant.parse("2025-03-15T22:00:00.000Z");
        EventEnvelope envelope = new EventEnvelope(eventId, "TransferRecorded", AgreementId.of(agreementId), sequence, time, 1,
                Optional.ofNullable(metaData.path("correlationId").asText(null)),
                Optional.ofNullable(metaData.path("causationId").asText(null)),
                Optional.ofNullable(metaData.path("principal").asText(null)),
                Optional.ofNullable(metaData.path("country").asText(null)),
                Optional.of(previousHash), Optional.empty());
        metaData.put("eventId", eventId).put("eventTime", time.toString()).put("previousHash", previousHash)
                .put("schemaVersion", "1").put("hash", EventChain.hashOf(envelope, payload.getBytes(StandardCharsets.UTF_8)));
        jdbc.update("""
                INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload,
                                              payloadrevision, payloadtype, timestamp)
                VALUES (?, ?, 'Agreement', ?, ?, ?, NULL, 'org.agreementledger.contract.TransferRecorded', ?)""",
                agreementId, sequence, UUID.randomUUID().toString(), LedgerJson.mapper().writeValueAsBytes(metaData),
                payload.getBytes(StandardCharsets.UTF_8), last.get("timestamp"));
        return sequence;
    }
}
