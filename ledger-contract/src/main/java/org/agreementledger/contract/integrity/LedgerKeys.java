package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The ledger's Ed25519 checkpoint key as a JSON Web Key (RFC 8037: {@code kty OKP, crv Ed25519, x}), the form it
 * is served in at {@code /.well-known/ledger-keys} and pinned by auditors.
 */
public final class LedgerKeys {

    /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw 32-byte Ed25519 key (RFC 8410). */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private LedgerKeys() {
    }

    public static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    /** A short stable name for a key: the first 16 hex digits of SHA-256 over its raw bytes. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(raw(key)).substring(0, 16);
    }

    public static ObjectNode jwk(PublicKey key) {
        ObjectNode jwk = LedgerJson.mapper().createObjectNode();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("use", "sig");
        jwk.put("alg", "EdDSA");
        jwk.put("kid", keyId(key));
        jwk.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw(key)));
        return jwk;
    }

    public static ObjectNode jwkSet(PublicKey key) {
        return jwkSet(List.of(new ValidKey(key, null, null)));
    }

    /**
     * A key of the ledger's set and when it signed: from {@code notBefore} (null: since before validity was recorded)
     * until {@code notAfter} (null: the current key). After a rotation the old key stays in the set, so that what it
     * signed still verifies; nothing it signs after {@code notAfter} is to be trusted.
     */
    public record ValidKey(PublicKey key, Instant notBefore, Instant notAfter) {

        public String keyId() {
            return LedgerKeys.keyId(key);
        }

        /** Whether the key was in use at this instant. */
        public boolean validAt(Instant instant) {
            return (notBefore == null || !instant.isBefore(notBefore)) && (notAfter == null || !instant.isAfter(notAfter));
        }
    }

    /** The JWK set of these keys, the current one first; validity as {@code nbf} and {@code exp} (seconds since the epoch). */
    public static ObjectNode jwkSet(List<ValidKey> validKeys) {
        ObjectNode set = LedgerJson.mapper().createObjectNode();
        ArrayNode keys = set.putArray("keys");
        for (ValidKey valid : validKeys) {
            ObjectNode jwk = jwk(valid.key());
            if (valid.notBefore() != null) {
                jwk.put("nbf", valid.notBefore().getEpochSecond());
            }
            if (valid.notAfter() != null) {
                jwk.put("exp", valid.notAfter().getEpochSecond());
            }
            keys.add(jwk);
        }
        return set;
    }

    /** Every key of a JWK set (or the one key of a JWK), with its validity. */
    public static List<ValidKey> keySet(JsonNode json) {
        List<ValidKey> keys = new ArrayList<>();
        if (json.has("keys")) {
            json.get("keys").forEach(jwk -> keys.add(validKey(jwk)));
        } else {
            keys.add(validKey(json));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JWK set holds no key");
        }
        return keys;
    }

    private static ValidKey validKey(JsonNode jwk) {
        return new ValidKey(fromJwk(jwk), jwk.has("nbf") ? Instant.ofEpochSecond(jwk.get("nbf").asLong()) : null,
                jwk.has("exp") ? Instant.ofEpochSecond(jwk.get("exp").asLong()) : null);
    }

    /** Reads an Ed25519 public key in PEM (X.509 SubjectPublicKeyInfo), the form the ledger keeps it in. */
    public static PublicKey fromPem(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM: " + e.getMessage(), e);
        }
    }

    /** Reads a JWK or the first key of a JWK set. */
    public static PublicKey fromJwk(JsonNode json) {
        JsonNode jwk = json.has("keys") ? json.get("keys").get(0) : json;
        if (jwk == null || !"OKP".equals(jwk.path("kty").asText()) || !"Ed25519".equals(jwk.path("crv").asText())) {
            throw new IllegalArgumentException("not an Ed25519 JSON Web Key (kty OKP, crv Ed25519)");
        }
        byte[] raw = Base64.getUrlDecoder().decode(jwk.path("x").asText());
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 key is 32 bytes, got " + raw.length);
        }
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 key: " + e.getMessage(), e);
        }
    }
}
