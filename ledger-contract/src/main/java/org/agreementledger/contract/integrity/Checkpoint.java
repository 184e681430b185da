package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * A signed statement of the head of every agreement's chain at one moment: whoever holds it can later prove the
 * log still holds exactly that history up to it. The signature is Ed25519 over the canonical JSON of every field
 * but {@code signature}; {@code merkleRoot} summarises the heads (sorted by agreement id) in one hash. The public
 * key travels along ({@code publicKey}, raw, base64url) so a checkpoint can be checked on its own; an auditor pins
 * the key it trusts rather than believing the one a record names.
 */
public record Checkpoint(
        String checkpointId,
        Instant createdAt,
        String source,
        List<Head> heads,
        String merkleRoot,
        String keyId,
        String publicKey,
        String algorithm,
        String signature) {

    public static final String ALGORITHM = "Ed25519";

    public Checkpoint {
        heads = List.copyOf(heads);
    }

    /** The last event of one agreement that the checkpoint covers. */
    public record Head(String agreementId, long sequence, String hash) {
    }

    public static Checkpoint sign(String checkpointId, Instant createdAt, String source, List<Head> heads,
                                  PrivateKey key, PublicKey verifyingKey) {
        String keyId = LedgerKeys.keyId(verifyingKey);
        String publicKey = Base64.getUrlEncoder().withoutPadding().encodeToString(LedgerKeys.raw(verifyingKey));
        List<Head> sorted = sorted(heads);
        Checkpoint unsigned = new Checkpoint(checkpointId, createdAt, source, sorted, merkleRoot(sorted), keyId,
                publicKey, ALGORITHM, null);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(unsigned.signedBytes());
            String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
            return new Checkpoint(checkpointId, createdAt, source, sorted, unsigned.merkleRoot, keyId, publicKey,
                    ALGORITHM, signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint with the ledger's key", e);
        }
    }

    /** The bytes the signature covers: the canonical JSON of the checkpoint without its signature. */
    public byte[] signedBytes() {
        ObjectNode form = LedgerJson.mapper().valueToTree(this);
        form.remove("signature");
        return CanonicalJson.bytes(form);
    }

    public boolean signatureValid(PublicKey key) {
        if (signature == null || !ALGORITHM.equals(algorithm)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedBytes());
            return verifier.verify(Base64.getUrlDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The key the checkpoint says it was signed with; trust it only if it is the key you pinned. */
    public PublicKey embeddedKey() {
        ObjectNode jwk = LedgerJson.mapper().createObjectNode();
        jwk.put("kty", "OKP").put("crv", "Ed25519").put("x", publicKey == null ? "" : publicKey);
        return LedgerKeys.fromJwk(jwk);
    }

    /** Whether {@link #merkleRoot} is the root of {@link #heads}, i.e. the heads were not edited after signing. */
    public boolean merkleRootMatches() {
        return merkleRoot != null && merkleRoot.equals(merkleRoot(sorted(heads)));
    }

    /**
     * Merkle root in the manner of RFC 6962: leaf = SHA-256(0x00 ‖ canonical head), node = SHA-256(0x01 ‖ left ‖
     * right), an odd node is carried up unchanged; the root of no heads is SHA-256 of nothing.
     */
    public static String merkleRoot(List<Head> heads) {
        if (heads.isEmpty()) {
            return Sha256.hex();
        }
        List<byte[]> level = new ArrayList<>();
        for (Head head : sorted(heads)) {
            level.add(Sha256.digest(new byte[]{0}, CanonicalJson.bytes(LedgerJson.mapper().valueToTree(head))));
        }
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                up.add(i + 1 < level.size() ? Sha256.digest(new byte[]{1}, level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = up;
        }
        return Sha256.toHex(level.get(0));
    }

    public String toJson() {
        return new String(CanonicalJson.bytes(LedgerJson.mapper().valueToTree(this)), StandardCharsets.UTF_8);
    }

    public static Checkpoint fromJson(byte[] json) {
        try {
            return LedgerJson.mapper().readValue(json, Checkpoint.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
        }
    }

    private static List<Head> sorted(List<Head> heads) {
        return heads.stream().sorted(Comparator.comparing(Head::agreementId)).toList();
    }
}
