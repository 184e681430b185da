package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

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
        Writer writer = new Writer();
        sorted(heads).forEach(writer::add);
        return fromJson(writer.sign(checkpointId, createdAt, source, key, verifyingKey).json());
    }

    /** A checkpoint as it was published: its record, and what a caller needs to know of it without reading it. */
    public record Signed(String checkpointId, Instant createdAt, int heads, String merkleRoot, byte[] json) {
    }

    /**
     * Writes a checkpoint head by head, in increasing agreement id order, straight into its record: the Merkle root
     * and the canonical form grow as the heads stream past, so a checkpoint over every agreement holds its record's
     * bytes, never a list and a JSON tree of every head (the ledger's heap, benchmark run J). Byte for byte the
     * record {@link #toJson} writes for the same heads.
     */
    public static final class Writer {

        private static final byte[] EMPTY_HEADS = "\"heads\":[]".getBytes(StandardCharsets.UTF_8);

        private final Buffer heads = new Buffer();
        private final MerkleTree.RightEdge tree = MerkleTree.RightEdge.empty();
        private String last;

        public Writer() {
            heads.write('[');
        }

        /** Adds the next head; agreement ids must increase (in {@link String#compareTo} order), each once. */
        public void add(Head head) {
            if (last != null && head.agreementId().compareTo(last) <= 0) {
                throw new IllegalArgumentException("checkpoint heads must come in increasing agreement id order, each "
                        + "once: " + head.agreementId() + " after " + last);
            }
            byte[] canonical = canonical(head);
            if (last != null) {
                heads.write(',');
            }
            heads.write(canonical, 0, canonical.length);
            tree.append(MerkleTree.leafHash(canonical));
            last = head.agreementId();
        }

        public int size() {
            return (int) tree.size();
        }

        public String merkleRoot() {
            return Sha256.toHex(tree.root());
        }

        /** Signs the heads added so far: the signature covers the record without it, as {@link #signedBytes} says. */
        public Signed sign(String checkpointId, Instant createdAt, String source, PrivateKey key, PublicKey verifyingKey) {
            String keyId = LedgerKeys.keyId(verifyingKey);
            String publicKey = Base64.getUrlEncoder().withoutPadding().encodeToString(LedgerKeys.raw(verifyingKey));
            String root = merkleRoot();
            byte[][] unsigned = frame(new Checkpoint(checkpointId, createdAt, source, List.of(), root, keyId, publicKey,
                    ALGORITHM, null));
            String signature;
            try {
                Signature signer = Signature.getInstance(ALGORITHM);
                signer.initSign(key);
                signer.update(unsigned[0]);
                heads.update(signer);
                signer.update(unsigned[1]);
                signature = Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign a checkpoint with the ledger's key", e);
            }
            byte[][] signed = frame(new Checkpoint(checkpointId, createdAt, source, List.of(), root, keyId, publicKey,
                    ALGORITHM, signature));
            byte[] json = new byte[signed[0].length + heads.size() + signed[1].length];
            System.arraycopy(signed[0], 0, json, 0, signed[0].length);
            heads.copyTo(json, signed[0].length);
            System.arraycopy(signed[1], 0, json, json.length - signed[1].length, signed[1].length);
            return new Signed(checkpointId, createdAt, size(), root, json);
        }

        /**
         * The canonical record of a checkpoint without heads, split where its heads go: up to the array's opening
         * bracket (which the buffer starts with) and from its closing one. A string cannot hold an unescaped
         * {@code "heads":[]}, so the member is found only where it is.
         */
        private static byte[][] frame(Checkpoint withoutHeads) {
            byte[] whole = CanonicalJson.bytes(LedgerJson.mapper().valueToTree(withoutHeads));
            int close = indexOf(whole, EMPTY_HEADS) + EMPTY_HEADS.length - 1;
            return new byte[][]{Arrays.copyOfRange(whole, 0, close - 1), Arrays.copyOfRange(whole, close, whole.length)};
        }

        private static int indexOf(byte[] bytes, byte[] part) {
            for (int i = 0; i + part.length <= bytes.length; i++) {
                if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                    return i;
                }
            }
            throw new IllegalStateException("a checkpoint's canonical form has no heads member");
        }
    }

    /**
     * The heads' bytes in chunks of a fixed size: signed and copied where they lie, never copied out first, and never
     * grown by doubling, which would hold the old array and one twice its size at once.
     */
    private static final class Buffer {

        private static final int CHUNK = 64 * 1024;
        private final List<byte[]> chunks = new ArrayList<>();
        private int size;

        void write(int b) {
            room()[size % CHUNK] = (byte) b;
            size++;
        }

        void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                int at = size % CHUNK;
                int n = Math.min(length, CHUNK - at);
                System.arraycopy(bytes, offset, room(), at, n);
                size += n;
                offset += n;
                length -= n;
            }
        }

        /** The chunk the next byte goes into: a new one when the last is full. */
        private byte[] room() {
            if (size == chunks.size() * CHUNK) {
                chunks.add(new byte[CHUNK]);
            }
            return chunks.get(chunks.size() - 1);
        }

        int size() {
            return size;
        }

        void update(Signature signer) throws SignatureException {
            for (int i = 0; i < chunks.size(); i++) {
                signer.update(chunks.get(i), 0, Math.min(CHUNK, size - i * CHUNK));
            }
        }

        void copyTo(byte[] target, int at) {
            for (int i = 0; i < chunks.size(); i++) {
                System.arraycopy(chunks.get(i), 0, target, at + i * CHUNK, Math.min(CHUNK, size - i * CHUNK));
            }
        }
    }

    /**
     * The heads of a checkpoint's record, one at a time in their order, without reading the record into a tree or
     * a list: the ledger carries its latest checkpoint's heads into the next this way, replacing only those that
     * moved.
     */
    public static Iterator<Head> heads(byte[] json) {
        return new HeadReader(json);
    }

    private static final class HeadReader implements Iterator<Head> {

        // one head of the array at a time: what follows it is the next head, not trailing tokens
        private static final ObjectReader HEAD = LedgerJson.mapper().readerFor(Head.class)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        private final JsonParser parser;
        private Head next;

        HeadReader(byte[] json) {
            try {
                parser = LedgerJson.mapper().createParser(json);
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("not a checkpoint: not a JSON object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonToken value = parser.nextToken();
                    if ("heads".equals(parser.currentName()) && value == JsonToken.START_ARRAY) {
                        advance();
                        return;
                    }
                    parser.skipChildren();
                }
                throw new IllegalArgumentException("not a checkpoint: no heads");
            } catch (IOException e) {
                throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
            }
        }

        private void advance() throws IOException {
            next = parser.nextToken() == JsonToken.START_OBJECT ? HEAD.<Head>readValue(parser) : null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Head next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Head head = next;
            try {
                advance();
            } catch (IOException e) {
                throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
            }
            return head;
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
     * The Merkle tree of RFC 9162 ({@link MerkleTree}) over the heads sorted by agreement id, each leaf the canonical
     * JSON of one head; the root of no heads is SHA-256 of nothing.
     */
    public static String merkleRoot(List<Head> heads) {
        MerkleTree.RightEdge tree = MerkleTree.RightEdge.empty();
        for (Head head : sorted(heads)) {
            tree.append(MerkleTree.leafHash(canonical(head)));
        }
        return Sha256.toHex(tree.root());
    }

    private static byte[] canonical(Head head) {
        return CanonicalJson.bytes(LedgerJson.mapper().valueToTree(head));
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
