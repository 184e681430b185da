package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test vectors that docs/audit.md publishes for anyone writing their own verifier
 * (docs/transparency-log-vectors.json) hold for this implementation: the RFC 6962 reference trees and proofs, Go's
 * signed-note example, and a small log of ledger records with their canonical forms, hashes, leaves, proofs, signed
 * checkpoints and a witness's cosignature. {@code -Dvectors.write=true} writes the ledger part anew (Ed25519 is
 * deterministic, so it only changes when the specification does).
 */
class TransparencyLogVectorsTest {

    private static final Path VECTORS = Path.of("..", "docs", "transparency-log-vectors.json");
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode vectors;

    @BeforeAll
    static void read() throws IOException {
        if (Boolean.getBoolean("vectors.write")) {
            ObjectNode written = (ObjectNode) LedgerJson.mapper().readTree(VECTORS.toFile());
            written.set("ledger", ledgerVectors());
            Files.writeString(VECTORS, LedgerJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(written) + "\n");
        }
        vectors = LedgerJson.mapper().readTree(VECTORS.toFile());
    }

    @Test
    void theTreeHeadsOfTheRfc6962ReferenceLeavesAreTheReferenceRoots() {
        List<byte[]> leaves = referenceLeaves();
        for (JsonNode root : vectors.at("/rfc6962/roots")) {
            int size = root.get("size").asInt();
            assertThat(HEX.formatHex(MerkleTree.rootHash(leaves.subList(0, size)))).as("root of %d leaves", size)
                    .isEqualTo(root.get("root").asText());
        }
    }

    @Test
    void referenceInclusionProofsAreProducedAndVerifiedAndATamperedOneIsNot() {
        List<byte[]> leaves = referenceLeaves();
        for (JsonNode vector : vectors.at("/rfc6962/inclusionProofs")) {
            long index = vector.get("index").asLong();
            long size = vector.get("size").asLong();
            List<byte[]> proof = hashes(vector.get("proof"));
            byte[] root = MerkleTree.rootHash(leaves.subList(0, (int) size));
            assertThat(hexes(MerkleTree.inclusionProof(leaves, index, size))).isEqualTo(hexes(proof));
            assertThat(MerkleTree.verifyInclusion(index, size, leaves.get((int) index), proof, root)).isTrue();
            if (!proof.isEmpty()) {
                assertThat(MerkleTree.verifyInclusion(index, size, leaves.get((int) index), tampered(proof), root)).isFalse();
                assertThat(MerkleTree.verifyInclusion(index ^ 1, size, leaves.get((int) index), proof, root)).isFalse();
            }
        }
    }

    @Test
    void referenceConsistencyProofsAreProducedAndVerifiedAndATamperedOneIsNot() {
        List<byte[]> leaves = referenceLeaves();
        for (JsonNode vector : vectors.at("/rfc6962/consistencyProofs")) {
            int oldSize = vector.get("oldSize").asInt();
            int newSize = vector.get("newSize").asInt();
            List<byte[]> proof = hashes(vector.get("proof"));
            byte[] oldRoot = MerkleTree.rootHash(leaves.subList(0, oldSize));
            byte[] newRoot = MerkleTree.rootHash(leaves.subList(0, newSize));
            assertThat(hexes(MerkleTree.consistencyProof(leaves, oldSize, newSize))).isEqualTo(hexes(proof));
            assertThat(MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).isTrue();
            if (!proof.isEmpty()) {
                assertThat(MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, tampered(proof))).isFalse();
            }
            assertThat(MerkleTree.verifyConsistency(oldSize, newSize, tampered(List.of(oldRoot)).get(0), newRoot, proof))
                    .isFalse();
        }
    }

    @Test
    void everyProofOfEveryTreeUpToFortyLeavesVerifies() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            leaves.add(MerkleTree.leafHash(new byte[]{(byte) i}));
        }
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = MerkleTree.rootHash(leaves.subList(0, size));
            for (int index = 0; index < size; index++) {
                assertThat(MerkleTree.verifyInclusion(index, size, leaves.get(index),
                        MerkleTree.inclusionProof(leaves, index, size), root)).as("leaf %d of %d", index, size).isTrue();
            }
            for (int old = 0; old <= size; old++) {
                byte[] oldRoot = old == 0 ? MerkleTree.rootHash(List.of()) : MerkleTree.rootHash(leaves.subList(0, old));
                assertThat(MerkleTree.verifyConsistency(old, size, oldRoot, root,
                        MerkleTree.consistencyProof(leaves, old, size))).as("%d to %d", old, size).isTrue();
            }
        }
    }

    @Test
    void aRightEdgeGrownLeafByLeafHasEveryTreesRootAndCompletesEverySubtreeOnce() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            leaves.add(MerkleTree.leafHash(new byte[]{(byte) i}));
        }
        MerkleTree.Subtrees computed = MerkleTree.Subtrees.of(leaves);
        MerkleTree.RightEdge edge = MerkleTree.RightEdge.empty();
        List<String> completed = new ArrayList<>();
        for (int size = 0; size < leaves.size(); size++) {
            assertThat(HEX.formatHex(edge.root())).as("root of %d", size)
                    .isEqualTo(HEX.formatHex(MerkleTree.rootHash(leaves.subList(0, size))));
            MerkleTree.RightEdge again = MerkleTree.RightEdge.of(size, edge.subtrees());
            assertThat(HEX.formatHex(again.root())).as("rebuilt from its subtrees").isEqualTo(HEX.formatHex(edge.root()));
            edge.append(leaves.get(size), (level, index, hash) -> {
                assertThat(HEX.formatHex(hash)).isEqualTo(HEX.formatHex(computed.hash(level, index)));
                completed.add(level + "/" + index);
            });
        }
        assertThat(completed).as("each subtree of 40 leaves once").hasSize(40 + 20 + 10 + 5 + 2 + 1).doesNotHaveDuplicates();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleTree.RightEdge.of(3, List.of(new byte[32])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void goSignedNoteExampleIsSignedAndVerifiedByteForByte() {
        JsonNode go = vectors.get("signedNote");
        SignedNote.SignerKey signer = SignedNote.SignerKey.parse(go.get("signerKey").asText());
        SignedNote.VerifierKey verifier = SignedNote.VerifierKey.parse(go.get("verifierKey").asText());
        String text = go.get("text").asText();

        assertThat(signer.verifierKey().encoded()).isEqualTo(verifier.encoded());
        assertThat(signer.encoded()).isEqualTo(go.get("signerKey").asText());
        assertThat(new SignedNote.Note(text, List.of(SignedNote.sign(text, signer))).encoded())
                .isEqualTo(go.get("note").asText());
        assertThat(SignedNote.Note.parse(go.get("note").asText()).verifiedBy(verifier)).isTrue();
        assertThat(SignedNote.Note.parse(go.get("note").asText().replace("problem,", "problem;")).verifiedBy(verifier))
                .isFalse();
    }

    @Test
    void ledgerRecordsHashToTheirVectorsAndTheirLogToItsSignedCheckpoints() {
        JsonNode ledger = vectors.get("ledger");
        List<byte[]> leaves = new ArrayList<>();
        for (JsonNode record : ledger.get("records")) {
            Map<String, String> headers = new LinkedHashMap<>();
            record.get("headers").fields().forEachRemaining(header -> headers.put(header.getKey(), header.getValue().asText()));
            EventEnvelope envelope = EventEnvelope.fromHeaders(headers::get);
            byte[] body = record.get("value").asText().getBytes(StandardCharsets.UTF_8);
            assertThat(CanonicalJson.string(EventChain.hashedForm(envelope, CanonicalJson.parse(body))))
                    .isEqualTo(record.get("canonicalForm").asText());
            assertThat(EventChain.hashOf(envelope, body)).isEqualTo(record.get("hash").asText())
                    .isEqualTo(Sha256.hex(record.get("canonicalForm").asText().getBytes(StandardCharsets.UTF_8)));
            byte[] leaf = MerkleTree.leafHash(HEX.parseHex(record.get("hash").asText()));
            assertThat(HEX.formatHex(leaf)).isEqualTo(record.get("leafHash").asText());
            leaves.add(leaf);
        }
        SignedNote.VerifierKey log = SignedNote.VerifierKey.parse(ledger.get("logVerifierKey").asText());
        SignedNote.VerifierKey witness = SignedNote.VerifierKey.parse(ledger.get("witnessVerifierKey").asText());
        List<TreeHead> heads = new ArrayList<>();
        for (JsonNode checkpoint : ledger.get("checkpoints")) {
            SignedNote.Note note = SignedNote.Note.parse(checkpoint.get("note").asText());
            TreeHead head = TreeHead.parse(note.text());
            assertThat(note.verifiedBy(log)).isTrue();
            assertThat(note.verifiedBy(witness)).isEqualTo(checkpoint.path("cosigned").asBoolean());
            assertThat(head.rootHash()).isEqualTo(MerkleTree.rootHash(leaves.subList(0, (int) head.size())));
            heads.add(head);
        }
        for (JsonNode vector : ledger.get("inclusionProofs")) {
            TreeHead head = heads.get(vector.get("checkpoint").asInt());
            int index = vector.get("index").asInt();
            assertThat(MerkleTree.verifyInclusion(index, head.size(), leaves.get(index), hashes(vector.get("proof")),
                    head.rootHash())).as("record %d in checkpoint %d", index, vector.get("checkpoint").asInt()).isTrue();
        }
        JsonNode consistency = ledger.get("consistencyProof");
        TreeHead older = heads.get(consistency.get("from").asInt());
        TreeHead newer = heads.get(consistency.get("to").asInt());
        assertThat(MerkleTree.verifyConsistency(older.size(), newer.size(), older.rootHash(), newer.rootHash(),
                hashes(consistency.get("proof")))).isTrue();
    }

    @Test
    void theLedgerVectorsAreWhatThisImplementationWrites() {
        assertThat(ledgerVectors()).isEqualTo(vectors.get("ledger"));
    }

    /** The ledger part of the vectors, from fixed records and fixed keys (seeds derived from their names). */
    private static ObjectNode ledgerVectors() {
        ObjectNode ledger = LedgerJson.mapper().createObjectNode();
        SignedNote.SignerKey log = new SignedNote.SignerKey("ledger.example/agreements", SignedNote.ED25519,
                Sha256.digest("test vector log key".getBytes(StandardCharsets.UTF_8)));
        SignedNote.SignerKey witness = new SignedNote.SignerKey("witness.example/w1", SignedNote.COSIGNATURE_V1,
                Sha256.digest("test vector witness key".getBytes(StandardCharsets.UTF_8)));
        ledger.put("logSignerKey", log.encoded());
        ledger.put("logVerifierKey", log.verifierKey().encoded());
        ledger.put("witnessSignerKey", witness.encoded());
        ledger.put("witnessVerifierKey", witness.verifierKey().encoded());
        String a = "6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01";
        String b = "0b9e2c55-3f0e-4b8a-a3a4-6e0d2b7c9f10";
        String[][] records = {
                {a, "0", "AgreementOffered", "2025-02-03T15:04:05.123456789Z", "1",
                        "{\"agreementId\":\"" + a + "\",\"offeringParty\":\"SV\",\"parties\":[\"SV\",\"US\"],"
                                + "\"offeredOn\":\"2025-02-03\",\"terms\":{\"title\":\"Ofrecimiento\",\"commitments\":[],"
                                + "\"feeSchedules\":[],\"validity\":{\"from\":\"2025-02-03\",\"until\":null}},"
                                + "\"sourceReference\":null}"},
                {b, "0", "AgreementOffered", "2025-02-04T09:00:00Z", null,
                        "{\"agreementId\":\"" + b + "\",\"offeringParty\":\"CR\",\"parties\":[\"US\",\"CR\"],"
                                + "\"offeredOn\":\"2025-02-04\",\"terms\":{\"title\":\"Caf\\u00e9 \\ud83c\\udf0e\","
                                + "\"commitments\":[],\"feeSchedules\":[],\"validity\":{\"from\":\"2025-02-04\"}}}"},
                {a, "1", "AgreementAccepted", "2025-02-05T10:00:00.100Z", "1",
                        "{\"agreementId\":\"" + a + "\",\"acceptingParty\":\"US\",\"acceptedOn\":\"2025-02-05\"}"},
                {a, "2", "FeeAssessed", "2025-03-16T08:30:00Z", "1",
                        "{\"agreementId\":\"" + a + "\",\"payer\":\"US\",\"payee\":\"SV\",\"amount\":{\"amount\":"
                                + "\"5220000.00\",\"currency\":\"USD\"},\"persons\":261,\"rate\":1.0e0,\"assessedOn\":\"2025-03-16\"}"},
                {b, "1", "OfferWithdrawn", "2025-02-06T12:00:00Z", "1",
                        "{\"agreementId\":\"" + b + "\",\"withdrawingParty\":\"CR\",\"withdrawnOn\":\"2025-02-06\",\"reason\":null}"},
        };
        Map<String, String> previous = new LinkedHashMap<>();
        ArrayNode recordVectors = ledger.putArray("records");
        List<byte[]> leaves = new ArrayList<>();
        int n = 0;
        for (String[] record : records) {
            EventEnvelope envelope = new EventEnvelope("00000000-0000-4000-8000-00000000000" + n++, record[2],
                    AgreementId.of(record[0]), Long.parseLong(record[1]), Instant.parse(record[3]),
                    record[4] == null ? 1 : Integer.parseInt(record[4]), Optional.of("corr-" + n), Optional.empty(),
                    Optional.of("integration-service"), Optional.of("US"), Optional.ofNullable(previous.get(record[0])),
                    Optional.empty());
            byte[] body = record[5].getBytes(StandardCharsets.UTF_8);
            String hash = EventChain.hashOf(envelope, body);
            previous.put(record[0], hash);
            Map<String, String> headers = envelope.withHash(hash).toHeaders();
            if (record[4] == null) {
                headers.remove(EventHeaders.SCHEMA_VERSION);
            }
            ObjectNode vector = recordVectors.addObject();
            vector.put("key", record[0]);
            ObjectNode headerNode = vector.putObject("headers");
            headers.forEach(headerNode::put);
            vector.put("value", record[5]);
            vector.put("canonicalForm", CanonicalJson.string(EventChain.hashedForm(envelope, CanonicalJson.parse(body))));
            vector.put("hash", hash);
            byte[] leaf = MerkleTree.leafHash(HEX.parseHex(hash));
            vector.put("leafHash", HEX.formatHex(leaf));
            leaves.add(leaf);
        }
        ArrayNode checkpoints = ledger.putArray("checkpoints");
        int[] sizes = {2, 5};
        for (int size : sizes) {
            TreeHead head = new TreeHead(log.name(), size, MerkleTree.rootHash(leaves.subList(0, size)));
            SignedNote.Note note = new SignedNote.Note(head.text(), List.of(SignedNote.sign(head.text(), log)));
            boolean cosigned = size == 5;
            if (cosigned) {
                note = note.with(SignedNote.cosign(head.text(), witness, 1_740_000_000L));
            }
            checkpoints.addObject().put("note", note.encoded()).put("cosigned", cosigned);
        }
        ArrayNode inclusion = ledger.putArray("inclusionProofs");
        for (int c = 0; c < sizes.length; c++) {
            for (int index = 0; index < sizes[c]; index++) {
                ArrayNode proof = inclusion.addObject().put("checkpoint", c).put("index", index).putArray("proof");
                MerkleTree.inclusionProof(leaves, index, sizes[c]).forEach(hash -> proof.add(HEX.formatHex(hash)));
            }
        }
        ArrayNode consistency = ledger.putObject("consistencyProof").put("from", 0).put("to", 1).putArray("proof");
        MerkleTree.consistencyProof(leaves, sizes[0], sizes[1]).forEach(hash -> consistency.add(HEX.formatHex(hash)));
        return ledger;
    }

    private static List<byte[]> referenceLeaves() {
        List<byte[]> leaves = new ArrayList<>();
        vectors.at("/rfc6962/leaves").forEach(leaf -> leaves.add(MerkleTree.leafHash(HEX.parseHex(leaf.asText()))));
        return leaves;
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(hash -> hashes.add(HEX.parseHex(hash.asText())));
        return hashes;
    }

    private static List<String> hexes(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }

    private static List<byte[]> tampered(List<byte[]> proof) {
        List<byte[]> tampered = new ArrayList<>();
        proof.forEach(hash -> tampered.add(hash.clone()));
        tampered.get(tampered.size() - 1)[0] ^= 1;
        return tampered;
    }
}
