package org.agreementledger.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.contract.integrity.CanonicalJson;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.contract.integrity.LedgerKeys;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class EveryEventIsChainedAndCheckpointedTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "CECOT for a fee", "offeredOn": "2025-02-03"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    PublishedHeads publishedHeads;

    @Autowired
    LedgerSigningKey signingKey;

    @Test
    void everyPublishedEventCarriesTheHashOfItsPredecessorAndItsOwnVerifiableHash() {
        String agreementId = offerAndAccept();

        List<ConsumerRecord<String, byte[]>> records = awaitEvents(agreementId, 3);

        assertChained(records);
        assertThat(records).extracting(r -> TopicReader.header(r, EventHeaders.PRINCIPAL))
                .containsExactly("integration-service-sv", "integration-service-us", "integration-service-us");
    }

    @Test
    void theChainRunsOnUnbrokenAcrossSnapshotsAndTheLedgersRecordListsEveryEventNotTheSnapshot() throws Exception {
        String agreementId = as(port, "SV").ok("/agreements", OFFER).get("agreementId").asText();
        LedgerHttp us = as(port, "US");
        for (int i = 0; i < 120; i++) {
            us.ok("/agreements/" + agreementId + "/amendments",
                    "{\"party\": \"US\", \"amendedOn\": \"2025-02-04\", \"title\": \"Counter-offer " + i
                            + "\", \"validity\": {\"from\": \"2025-02-04\"}}");
        }

        List<ConsumerRecord<String, byte[]>> records = awaitEvents(agreementId, 121);

        assertThat(records).as("every event of the agreement, in order, once").hasSize(121);
        assertThat(records.stream().map(r -> Long.parseLong(TopicReader.header(r, EventHeaders.SEQUENCE))))
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 121).boxed().toList());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ?",
                Integer.class, agreementId)).as("a snapshot was taken on the way").isPositive();
        assertChained(records);

        var record = us.get("/agreements/" + agreementId);
        JsonNode events = us.json(record).get("events");
        assertThat(events).as("the ledger's record lists every event, not a snapshot in place of the first ones")
                .hasSize(121);
        for (int sequence = 0; sequence < 121; sequence++) {
            assertThat(events.get(sequence).get("sequence").asLong()).isEqualTo(sequence);
            assertThat(events.get(sequence).get("type").asText()).isEqualTo(sequence == 0 ? "AgreementOffered" : "OfferAmended");
            assertThat(events.get(sequence).get("metaData").get("hash").asText())
                    .isEqualTo(TopicReader.header(records.get(sequence), EventHeaders.HASH));
        }
        assertThat(record.headers().firstValue("ETag")).contains("\"120\"");
        var unchanged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/agreements/" + agreementId))
                .header("Authorization", "Bearer " + countryToken("US")).header("If-None-Match", "\"120\"").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unchanged.statusCode()).isEqualTo(304);
    }

    @Test
    void theChainIsRecordedInTheEventStoreNotAddedByThePublisher() {
        String agreementId = offerAndAccept();
        List<ConsumerRecord<String, byte[]>> records = awaitEvents(agreementId, 3);

        List<String> stored = jdbc.queryForList("""
                SELECT convert_from(metadata, 'UTF8') FROM domainevententry
                WHERE aggregateidentifier = ? ORDER BY sequencenumber""", String.class, agreementId);

        assertThat(stored).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode metaData = LedgerJson.readTree(stored.get(i).getBytes());
            assertThat(metaData.get("hash").asText()).isEqualTo(TopicReader.header(records.get(i), EventHeaders.HASH));
            assertThat(metaData.get("eventId").asText()).isEqualTo(TopicReader.header(records.get(i), EventHeaders.ID));
        }
    }

    @Test
    void aCheckpointOnDemandNamesEveryPublishedHeadAndVerifiesWithTheKeyAtTheWellKnownUrl() {
        String agreementId = offerAndAccept();
        List<ConsumerRecord<String, byte[]>> records = awaitEvents(agreementId, 3);
        Checkpoint.Head head = new Checkpoint.Head(agreementId, 2, hashOf(records, 2));
        LedgerHttp operator = new LedgerHttp(port, TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1)));

        Checkpoint checkpoint = checkpointCovering(operator, head);

        HttpResponse<String> keys = new LedgerHttp(port, null).get("/.well-known/ledger-keys");
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(checkpoint.signatureValid(LedgerKeys.fromJwk(LedgerJson.readTree(keys.body().getBytes())))).isTrue();
        assertThat(checkpoint.merkleRootMatches()).isTrue();
        assertThat(checkpoint.heads()).contains(head);

        List<ConsumerRecord<String, byte[]>> published = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), CHECKPOINT_TOPIC,
                r -> checkpoint.checkpointId().equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(Checkpoint.fromJson(published.get(0).value())).isEqualTo(checkpoint);
    }

    @Test
    void aCheckpointReadsOnlyTheAgreementsThatMovedSinceTheLastOneYetNamesEveryHead() {
        LedgerHttp operator = new LedgerHttp(port, TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1)));
        String unmoved = offerAndAccept();
        Checkpoint.Head unmovedHead = new Checkpoint.Head(unmoved, 2, hashOf(awaitEvents(unmoved, 3), 2));
        Checkpoint before = checkpointCovering(operator, unmovedHead);
        String moved = as(port, "SV").ok("/agreements", OFFER).get("agreementId").asText();
        as(port, "US").ok("/agreements/" + moved + "/amendments", """
                {"party": "US", "amendedOn": "2025-02-04", "title": "Counter-offer", "validity": {"from": "2025-02-04"}}""");
        Checkpoint.Head movedHead = new Checkpoint.Head(moved, 1, hashOf(awaitEvents(moved, 2), 1));
        long wholeReads = readTimer("every").count();
        long movedReads = readTimer("moved").count();

        Checkpoint after = checkpointCovering(operator, movedHead);

        assertThat(readTimer("every").count()).as("no read of every agreement again").isEqualTo(wholeReads);
        assertThat(readTimer("moved").count()).isGreaterThan(movedReads);
        assertThat(after.heads()).contains(unmovedHead, movedHead);
        assertThat(after.heads()).as("every head of the checkpoint before, or that agreement further along")
                .allSatisfy(head -> assertThat(head.sequence()).isGreaterThanOrEqualTo(before.heads().stream()
                        .filter(earlier -> earlier.agreementId().equals(head.agreementId()))
                        .mapToLong(Checkpoint.Head::sequence).max().orElse(-1)))
                .hasSizeGreaterThanOrEqualTo(before.heads().size());
        assertThat(after.merkleRootMatches()).isTrue();
        assertThat(after.signatureValid(signingKey.publicKey())).isTrue();
    }

    @Test
    void headsCarriedForwardPastAnEventThatCommittedLateAreTheHeadsReadWhole() {
        String late = offerAndAccept();
        String other = offerAndAccept();
        long lateIndex = globalIndex(late, 2);
        GapAwareTrackingToken from = GapAwareTrackingToken.newInstance(globalIndex(other, 2), List.of(lateIndex));
        Checkpoint.Writer whole = publishedHeads.every(from);
        Checkpoint.Signed previous = whole.sign("before", Instant.now(), "ledger", signingKey.privateKey(),
                signingKey.publicKey());
        String fresh = as(port, "SV").ok("/agreements", OFFER).get("agreementId").asText();
        GapAwareTrackingToken to = GapAwareTrackingToken.newInstance(globalIndex(fresh, 0), List.of());

        Checkpoint.Writer carried = publishedHeads.carriedForward(previous, from, to);

        Checkpoint.Writer readWhole = publishedHeads.every(to);
        assertThat(carried.merkleRoot()).isEqualTo(readWhole.merkleRoot());
        assertThat(carried.size()).isEqualTo(readWhole.size());
        List<Checkpoint.Head> heads = Checkpoint.fromJson(carried.sign("after", Instant.now(), "ledger",
                signingKey.privateKey(), signingKey.publicKey()).json()).heads();
        assertThat(heads).extracting(Checkpoint.Head::agreementId, Checkpoint.Head::sequence)
                .contains(tuple(late, 2L), tuple(other, 2L), tuple(fresh, 0L));
        assertThat(Checkpoint.fromJson(previous.json()).heads()).as("the event in the gap was not covered before")
                .extracting(Checkpoint.Head::agreementId, Checkpoint.Head::sequence)
                .contains(tuple(late, 1L));
    }

    @Test
    void dashboardsMayNotTriggerCheckpoints() {
        LedgerHttp dashboard = new LedgerHttp(port, TOKENS.mint("dashboard", null, List.of("ledger.read"), Duration.ofHours(1)));

        HttpResponse<String> refused = dashboard.post("/admin/checkpoints", "");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    }

    /**
     * Each record carries its predecessor's hash (none for the first) and a hash recomputable from itself, over its
     * body as published: the canonical form.
     */
    private static void assertChained(List<ConsumerRecord<String, byte[]>> records) {
        String previous = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            EventEnvelope envelope = EventEnvelope.fromHeaders(name -> TopicReader.header(record, name));
            assertThat(envelope.previousHash()).as("previous hash of %s", envelope.sequence())
                    .isEqualTo(Optional.ofNullable(previous));
            assertThat(envelope.hash()).hasValue(EventChain.hashOf(envelope, record.value()));
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).as("the body in the form its hash covers")
                    .isEqualTo(new String(CanonicalJson.bytes(record.value()), StandardCharsets.UTF_8));
            previous = envelope.hash().orElseThrow();
        }
    }

    private String offerAndAccept() {
        LedgerHttp sv = as(port, "SV");
        String agreementId = sv.ok("/agreements", OFFER).get("agreementId").asText();
        as(port, "US").ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        return agreementId;
    }

    private long globalIndex(String agreementId, long sequence) {
        return jdbc.queryForObject("SELECT globalindex FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
                Long.class, agreementId, sequence);
    }

    private Timer readTimer(String heads) {
        return meters.get("ledger.checkpoints.read").tag("heads", heads).timer();
    }

    private static String hashOf(List<ConsumerRecord<String, byte[]>> records, int sequence) {
        return TopicReader.header(records.get(sequence), EventHeaders.HASH);
    }

    private static List<ConsumerRecord<String, byte[]>> awaitEvents(String agreementId, int count) {
        return TopicReader.awaitRecords(SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC,
                r -> agreementId.equals(r.key()), count, Duration.ofSeconds(20));
    }

    /** A checkpoint covers what the publisher's token has passed, which moves just after Kafka's acknowledgement. */
    private static Checkpoint checkpointCovering(LedgerHttp operator, Checkpoint.Head head) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            HttpResponse<String> created = operator.post("/admin/checkpoints", "");
            assertThat(created.statusCode()).isEqualTo(201);
            Checkpoint checkpoint = Checkpoint.fromJson(created.body().getBytes());
            if (checkpoint.heads().contains(head) || System.currentTimeMillis() > deadline) {
                return checkpoint;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return checkpoint;
            }
        }
    }
}
