package org.agreementledger.ledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.MerkleTree;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.integrity.TreeHead;
import org.agreementledger.infra.SharedTestInfrastructure;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ministry holds a receipt for what it recorded and can prove, with nothing but a signed tree head and the log's
 * public key, that the event is in the log; an auditor can prove that a later tree head extends an earlier one.
 */
class TheTransparencyLogProvesEveryEventTest extends LedgerIntegrationTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "CECOT for a fee", "offeredOn": "2025-02-03"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCommandsReceiptProvesItsEventsAreInTheLogWithNothingButTheSignedTreeHeadAndTheKey() {
        JsonNode offered = as(port, "SV").ok("/agreements", OFFER);
        String agreementId = offered.get("agreementId").asText();
        JsonNode accepted = as(port, "US").ok("/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        List<JsonNode> receipts = new ArrayList<>();
        offered.get("events").forEach(receipts::add);
        accepted.get("events").forEach(receipts::add);
        assertThat(receipts).extracting(r -> r.get("sequence").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(receipts.get(1).get("logIndex").asLong()).isGreaterThan(receipts.get(0).get("logIndex").asLong());

        String note = signCovering(receipts.get(2).get("logIndex").asLong());
        SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(publicGet("/log/key").body().trim());
        for (JsonNode receipt : receipts) {
            JsonNode proof = reader().json(reader().get("/log/proofs/inclusion?index=" + receipt.get("logIndex").asLong()));
            assertThat(includes(proof, receipt.get("hash").asText(), key)).as("receipt %s", receipt).isTrue();
            assertThat(proof.get("checkpoint").asText()).isEqualTo(note);
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC, r -> agreementId.equals(r.key()), 3,
                Duration.ofSeconds(20));
        assertThat(records).extracting(r -> Long.parseLong(TopicReader.header(r, EventHeaders.LOG_INDEX)))
                .as("each record names its leaf").containsExactlyElementsOf(receipts.stream()
                        .map(r -> r.get("logIndex").asLong()).toList());
        assertThat(TopicReader.awaitRecords(SharedTestInfrastructure.get().kafka().bootstrapServers(), CHECKPOINT_TOPIC,
                r -> LedgerTopics.treeHeadKey(sizeOf(note)).equals(r.key()), 1, Duration.ofSeconds(20)))
                .as("the tree head is published beside the checkpoints").singleElement()
                .satisfies(r -> assertThat(new String(r.value())).isEqualTo(note));
    }

    @Test
    void ministriesRecordingAtTheSameMomentEachGetTheReceiptOfTheirOwnEvent() throws Exception {
        int ministries = 16;
        ExecutorService clients = Executors.newFixedThreadPool(ministries);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < ministries; i++) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return as(port, "SV").ok("/agreements", OFFER);
                }));
            }
            start.countDown();
            Set<Long> indexes = new HashSet<>();
            for (Future<JsonNode> answer : answers) {
                JsonNode offered = answer.get(30, TimeUnit.SECONDS);
                JsonNode receipt = offered.get("events").get(0);
                assertThat(offered.get("events")).hasSize(1);
                Map<String, Object> leaf = jdbc.queryForMap("SELECT encode(event_hash, 'hex') AS hash, log_index "
                        + "FROM transparency_log_leaf WHERE agreement_id = ? AND sequence = 0", offered.get("agreementId").asText());
                assertThat(receipt.get("sequence").asLong()).isZero();
                assertThat(receipt.get("hash").asText()).as("the receipt names its own event").isEqualTo(leaf.get("hash"));
                assertThat(receipt.get("logIndex").asLong()).isEqualTo(leaf.get("log_index"));
                indexes.add(receipt.get("logIndex").asLong());
            }
            assertThat(indexes).hasSize(ministries);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aReplayedAnswerCarriesTheSameReceipts() {
        LedgerHttp sv = as(port, "SV");
        String key = "tlog-" + System.nanoTime();
        HttpResponse<String> first = sv.post("/agreements", OFFER, Map.of("Idempotency-Key", key));
        HttpResponse<String> again = sv.post("/agreements", OFFER, Map.of("Idempotency-Key", key));

        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(sv.json(again).get("events")).isEqualTo(sv.json(first).get("events"));
    }

    @Test
    void aLaterTreeHeadProvablyExtendsAnEarlierOne() {
        String older = signCovering(indexOf(as(port, "SV").ok("/agreements", OFFER)));
        as(port, "SV").ok("/agreements", OFFER);
        String newer = signCovering(indexOf(as(port, "SV").ok("/agreements", OFFER)));
        SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(publicGet("/log/key").body().trim());

        JsonNode proof = reader().json(reader().get("/log/proofs/consistency?from=" + sizeOf(older) + "&to=" + sizeOf(newer)));

        assertThat(extends_(older, newer, proof, key)).isTrue();
    }

    @Test
    void aRewrittenHistoryCannotProveItExtendsTheTreeHeadSignedBeforeNorIncludeTheReceiptItIssued() {
        JsonNode offered = as(port, "SV").ok("/agreements", OFFER);
        JsonNode receipt = offered.get("events").get(0);
        long index = receipt.get("logIndex").asLong();
        String before = signCovering(index);
        byte[] original = jdbc.queryForObject("SELECT event_hash FROM transparency_log_leaf WHERE log_index = ?",
                byte[].class, index);
        try {
            // whoever controls the database alters the event behind the receipt and rebuilds the tree over it
            jdbc.update("UPDATE transparency_log_leaf SET event_hash = sha256(event_hash) WHERE log_index = ?", index);
            rebuildTree();
            String after = signCovering(indexOf(as(port, "SV").ok("/agreements", OFFER)));
            SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(publicGet("/log/key").body().trim());

            JsonNode consistency = reader().json(reader().get("/log/proofs/consistency?from=" + sizeOf(before)
                    + "&to=" + sizeOf(after)));
            JsonNode inclusion = reader().json(reader().get("/log/proofs/inclusion?index=" + index));

            assertThat(extends_(before, after, consistency, key)).isFalse();
            assertThat(includes(inclusion, receipt.get("hash").asText(), key)).isFalse();
        } finally {
            jdbc.update("UPDATE transparency_log_leaf SET event_hash = ? WHERE log_index = ?", original, index);
            jdbc.update("DELETE FROM transparency_log_checkpoint WHERE tree_size > ?", sizeOf(before));
            rebuildTree();
            signCovering(index);
        }
    }

    @Test
    void proofsOutsideTheSignedTreeOrAskedForInWordsAreRefusedNamingTheField() {
        String note = signCovering(indexOf(as(port, "SV").ok("/agreements", OFFER)));

        HttpResponse<String> beyond = reader().get("/log/proofs/inclusion?index=" + sizeOf(note));
        HttpResponse<String> unsigned = reader().get("/log/proofs/inclusion?index=0&treeSize=" + (sizeOf(note) + 1_000_000));
        HttpResponse<String> backwards = reader().get("/log/proofs/consistency?from=" + sizeOf(note) + "&to=1");

        assertThat(beyond.statusCode()).isEqualTo(400);
        assertThat(reader().json(beyond).get("field").asText()).isEqualTo("index");
        assertThat(unsigned.statusCode()).isEqualTo(404);
        assertThat(reader().json(unsigned).get("field").asText()).isEqualTo("treeSize");
        assertThat(backwards.statusCode()).isIn(400, 404);
        for (String[] refused : new String[][]{{"/log/proofs/inclusion?index=first", "index"},
                {"/log/proofs/inclusion?index=99999999999999999999", "index"}, {"/log/proofs/inclusion", "index"},
                {"/log/proofs/inclusion?index=0&size=5", "size"}, {"/log/checkpoints/latest", "treeSize"},
                {"/log/proofs/inclusion?index=-1", "index"}, {"/log/proofs/inclusion?index=0&treeSize=0", "treeSize"},
                {"/log/proofs/consistency?from=-1", "from"}, {"/log/proofs/consistency?from=1&to=0", "to"},
                {"/log/checkpoints/-1", "treeSize"}}) {
            HttpResponse<String> answer = reader().get(refused[0]);
            assertThat(answer.statusCode()).as(refused[0] + " " + answer.body()).isEqualTo(400);
            assertThat(reader().json(answer).get("type").asText()).as(refused[0]).endsWith("/invalid-request");
            assertThat(reader().json(answer).get("field").asText()).as(refused[0]).isEqualTo(refused[1]);
        }
    }

    private void rebuildTree() {
        jdbc.update("DELETE FROM transparency_log_node");
        jdbc.update("UPDATE transparency_log_integrated SET size = 0");
    }

    /** What prove-inclusion checks: the head is signed by the key, and the proof leads from the receipt's hash to its root. */
    private static boolean includes(JsonNode proof, String eventHash, SignedNote.VerifierKey key) {
        SignedNote.Note note = SignedNote.Note.parse(proof.get("checkpoint").asText());
        TreeHead head = TreeHead.parse(note.text());
        return note.verifiedBy(key) && MerkleTree.verifyInclusion(proof.get("index").asLong(), head.size(),
                MerkleTree.leafHash(HEX.parseHex(eventHash)), hashes(proof.get("proof")), head.rootHash());
    }

    private static boolean extends_(String older, String newer, JsonNode proof, SignedNote.VerifierKey key) {
        SignedNote.Note old = SignedNote.Note.parse(older);
        SignedNote.Note fresh = SignedNote.Note.parse(newer);
        TreeHead from = TreeHead.parse(old.text());
        TreeHead to = TreeHead.parse(fresh.text());
        return old.verifiedBy(key) && fresh.verifiedBy(key) && MerkleTree.verifyConsistency(from.size(), to.size(),
                from.rootHash(), to.rootHash(), hashes(proof.get("proof")));
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(h -> hashes.add(HEX.parseHex(h.asText())));
        return hashes;
    }

    private static long sizeOf(String note) {
        return TreeHead.parse(SignedNote.Note.parse(note).text()).size();
    }

    /** Signs tree heads until one covers this leaf: a head covers only events already on the topic. */
    private String signCovering(long index) {
        LedgerHttp operator = new LedgerHttp(port, TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            HttpResponse<String> signed = operator.post("/admin/log/checkpoints", "");
            assertThat(signed.statusCode()).as(signed.body()).isIn(201, 404);
            if (signed.statusCode() == 201 && sizeOf(signed.body()) > index) {
                return signed.body();
            }
            assertThat(System.nanoTime()).as("a tree head covering leaf %d within 20 s", index).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static long indexOf(JsonNode answer) {
        return answer.get("events").get(answer.get("events").size() - 1).get("logIndex").asLong();
    }

    private LedgerHttp reader() {
        return new LedgerHttp(port, TOKENS.mint("dashboard", null, List.of("ledger.read"), Duration.ofHours(1)));
    }

    private HttpResponse<String> publicGet(String path) {
        return new LedgerHttp(port, null).get(path);
    }
}
