package org.agreementledger.contract.integrity;

import org.agreementledger.contract.LedgerJson;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {

    private static final List<Checkpoint.Head> HEADS = List.of(
            new Checkpoint.Head("b-agreement", 7, "11".repeat(32)),
            new Checkpoint.Head("a-agreement", 3, "22".repeat(32)),
            new Checkpoint.Head("c-agreement", 0, "33".repeat(32)));

    private final KeyPair ledger = ed25519();

    @Test
    void aSignedCheckpointVerifiesWithTheLedgersKeyAndItsJwk() {
        Checkpoint checkpoint = Checkpoint.sign("cp-1", Instant.parse("2025-03-01T00:00:00Z"), "ledger", HEADS,
                ledger.getPrivate(), ledger.getPublic());

        assertThat(checkpoint.signatureValid(ledger.getPublic())).isTrue();
        assertThat(checkpoint.signatureValid(LedgerKeys.fromJwk(LedgerKeys.jwkSet(ledger.getPublic())))).isTrue();
        assertThat(checkpoint.signatureValid(checkpoint.embeddedKey())).isTrue();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(ledger.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThat(checkpoint.signatureValid(LedgerKeys.fromPem(pem))).isTrue();
        assertThat(checkpoint.merkleRootMatches()).isTrue();
        assertThat(checkpoint.heads()).extracting(Checkpoint.Head::agreementId)
                .containsExactly("a-agreement", "b-agreement", "c-agreement");
        assertThat(Checkpoint.fromJson(checkpoint.toJson().getBytes())).isEqualTo(checkpoint);
    }

    @Test
    void anEditedCheckpointNoLongerVerifies() throws Exception {
        Checkpoint checkpoint = Checkpoint.sign("cp-1", Instant.parse("2025-03-01T00:00:00Z"), "ledger", HEADS,
                ledger.getPrivate(), ledger.getPublic());
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) LedgerJson.readTree(checkpoint.toJson().getBytes());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("heads").get(0)).put("sequence", 4);

        Checkpoint edited = Checkpoint.fromJson(LedgerJson.mapper().writeValueAsBytes(json));

        assertThat(edited.signatureValid(ledger.getPublic())).isFalse();
        assertThat(edited.merkleRootMatches()).isFalse();
    }

    @Test
    void aCheckpointSignedByAnotherKeyDoesNotVerifyWithTheLedgersKey() {
        KeyPair impostor = ed25519();
        Checkpoint forged = Checkpoint.sign("cp-2", Instant.now(), "ledger", HEADS, impostor.getPrivate(), impostor.getPublic());

        assertThat(forged.signatureValid(ledger.getPublic())).isFalse();
        assertThat(forged.keyId()).isNotEqualTo(LedgerKeys.keyId(ledger.getPublic()));
    }

    @Test
    void theMerkleRootChangesWithAnyHead() {
        String root = Checkpoint.merkleRoot(HEADS);

        assertThat(Checkpoint.merkleRoot(List.of(HEADS.get(2), HEADS.get(0), HEADS.get(1)))).as("order of listing").isEqualTo(root);
        assertThat(Checkpoint.merkleRoot(HEADS.subList(0, 2))).isNotEqualTo(root);
        assertThat(Checkpoint.merkleRoot(List.of(HEADS.get(0), HEADS.get(1), new Checkpoint.Head("c-agreement", 1, "33".repeat(32)))))
                .isNotEqualTo(root);
    }

    @Test
    void aCheckpointWrittenHeadByHeadIsByteForByteTheRecordOfItsHeads() {
        Checkpoint.Writer writer = new Checkpoint.Writer();
        List<Checkpoint.Head> sorted = HEADS.stream().sorted(java.util.Comparator.comparing(Checkpoint.Head::agreementId)).toList();
        sorted.forEach(writer::add);

        Checkpoint.Signed signed = writer.sign("cp-3", Instant.parse("2025-03-01T00:00:00Z"), "ledger",
                ledger.getPrivate(), ledger.getPublic());

        Checkpoint record = Checkpoint.fromJson(signed.json());
        Checkpoint asATree = new Checkpoint("cp-3", Instant.parse("2025-03-01T00:00:00Z"), "ledger", sorted,
                Checkpoint.merkleRoot(HEADS), LedgerKeys.keyId(ledger.getPublic()), record.publicKey(),
                Checkpoint.ALGORITHM, record.signature());
        assertThat(new String(signed.json(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(asATree.toJson());
        assertThat(record.signatureValid(ledger.getPublic())).isTrue();
        assertThat(record.merkleRootMatches()).isTrue();
        assertThat(signed.merkleRoot()).isEqualTo(record.merkleRoot());
        assertThat(signed.heads()).isEqualTo(3);
    }

    @Test
    void aCheckpointOfNoHeadsIsSignedToo() {
        Checkpoint.Signed signed = new Checkpoint.Writer().sign("cp-0", Instant.now(), "ledger", ledger.getPrivate(),
                ledger.getPublic());

        Checkpoint record = Checkpoint.fromJson(signed.json());
        assertThat(record.heads()).isEmpty();
        assertThat(record.signatureValid(ledger.getPublic())).isTrue();
        assertThat(record.merkleRoot()).isEqualTo(Sha256.hex());
    }

    @Test
    void headsOutOfOrderOrTwiceForOneAgreementAreRefused() {
        Checkpoint.Writer writer = new Checkpoint.Writer();
        writer.add(HEADS.get(0));

        assertThatThrownBy(() -> writer.add(HEADS.get(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("increasing agreement id order");
        assertThatThrownBy(() -> writer.add(new Checkpoint.Head("b-agreement", 8, "44".repeat(32))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkpointsRootedBeforeTheTreeWasStreamedKeepTheirRoots() {
        java.util.Random random = new java.util.Random(12);
        for (int size = 0; size <= 70; size++) {
            List<Checkpoint.Head> heads = new java.util.ArrayList<>();
            for (int i = 0; i < size; i++) {
                heads.add(new Checkpoint.Head(java.util.UUID.randomUUID().toString(), random.nextInt(1000),
                        Sha256.hex(new byte[]{(byte) i})));
            }
            assertThat(Checkpoint.merkleRoot(heads)).as("%d heads", size).isEqualTo(rootCarryingOddNodesUp(heads));
        }
    }

    @Test
    void aCheckpointOverAsManyAgreementsAsTheLedgerSignsVerifiesWhole() {
        Checkpoint.Writer writer = new Checkpoint.Writer();
        for (int i = 0; i < 100_000; i++) {
            writer.add(new Checkpoint.Head("%08d-0000-4000-8000-000000000000".formatted(i), Integer.MAX_VALUE + (long) i,
                    Sha256.hex(new byte[]{(byte) i, (byte) (i >> 8), (byte) (i >> 16)})));
        }

        Checkpoint record = Checkpoint.fromJson(writer.sign("cp-big", Instant.now(), "ledger", ledger.getPrivate(),
                ledger.getPublic()).json());

        assertThat(record.heads()).hasSize(100_000);
        assertThat(record.heads().get(99_999).sequence()).isEqualTo(Integer.MAX_VALUE + 99_999L);
        assertThat(record.signatureValid(ledger.getPublic())).isTrue();
        assertThat(record.merkleRootMatches()).isTrue();
    }

    @Test
    void theHeadsOfAPublishedRecordReadBackOneByOneAreTheHeadsItWasSignedOver() {
        List<Checkpoint.Head> heads = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            heads.add(new Checkpoint.Head("%08d-0000-4000-8000-000000000000".formatted(i), i == 7 ? (1L << 53) - 1 : i,
                    Sha256.hex(new byte[]{(byte) i, (byte) (i >> 8)})));
        }
        Checkpoint.Writer writer = new Checkpoint.Writer();
        heads.forEach(writer::add);
        byte[] json = writer.sign("cp-read", Instant.now(), "ledger", ledger.getPrivate(), ledger.getPublic()).json();

        List<Checkpoint.Head> read = new java.util.ArrayList<>();
        Checkpoint.heads(json).forEachRemaining(read::add);

        assertThat(read).containsExactlyElementsOf(heads);
        assertThat(Checkpoint.heads(new Checkpoint.Writer().sign("cp-none", Instant.now(), "ledger",
                ledger.getPrivate(), ledger.getPublic()).json())).isExhausted();
        assertThatThrownBy(() -> Checkpoint.heads("{\"checkpointId\":\"x\"}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no heads");
    }

    /** How checkpoints were rooted until 2026-12-02 (pairs level by level, an odd node carried up): the oracle. */
    private static String rootCarryingOddNodesUp(List<Checkpoint.Head> heads) {
        if (heads.isEmpty()) {
            return Sha256.hex();
        }
        List<byte[]> level = new java.util.ArrayList<>();
        for (Checkpoint.Head head : heads.stream().sorted(java.util.Comparator.comparing(Checkpoint.Head::agreementId)).toList()) {
            level.add(Sha256.digest(new byte[]{0}, CanonicalJson.bytes(LedgerJson.mapper().valueToTree(head))));
        }
        while (level.size() > 1) {
            List<byte[]> up = new java.util.ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                up.add(i + 1 < level.size() ? Sha256.digest(new byte[]{1}, level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = up;
        }
        return Sha256.toHex(level.get(0));
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
