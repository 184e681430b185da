package org.agreementledger.contract.integrity;

import org.agreementledger.contract.LedgerJson;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
