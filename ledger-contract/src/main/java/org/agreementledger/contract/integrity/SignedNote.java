package org.agreementledger.contract.integrity;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Signed notes as C2SP specifies them (c2sp.org/signed-note, the format of Go's {@code golang.org/x/mod/sumdb/note}):
 * a text ending in a newline, a blank line, then one line per signature, {@code — <key name> base64(key id ||
 * signature)}. Two signature types: Ed25519 (0x01), the log's own signature of its checkpoints, and Ed25519
 * cosignature/v1 (0x04, c2sp.org/tlog-cosignature), a witness's statement that a checkpoint is consistent with every
 * earlier one it saw. Keys are written as the spec's verifier keys ({@code name+keyid+base64(type || key)}) and
 * signer keys ({@code PRIVATE+KEY+name+keyid+base64(type || seed)}).
 */
public final class SignedNote {

    /** Signature type of a plain Ed25519 note signature. */
    public static final byte ED25519 = 0x01;
    /** Signature type of an Ed25519 cosignature/v1. */
    public static final byte COSIGNATURE_V1 = 0x04;
    /** A note is at most this many bytes; longer ones are refused unread. */
    public static final int MAX_NOTE_BYTES = 65_536;
    /** A note carries at most this many signatures. */
    public static final int MAX_SIGNATURES = 100;

    private static final String DASH = "\u2014 ";
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private SignedNote() {
    }

    /** A public key and the name it signs under. */
    public record VerifierKey(String name, byte type, byte[] publicKey) {

        public VerifierKey {
            checkName(name);
            checkType(type);
            if (publicKey.length != 32) {
                throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + publicKey.length);
            }
            publicKey = publicKey.clone();
        }

        /** {@code SHA-256(name || "\n" || type || key)[:4]}, as an unsigned 32-bit number. */
        public long keyId() {
            return SignedNote.keyId(name, type, publicKey);
        }

        /** The verifier key string, e.g. {@code example.com/log+1a2b3c4d+AeK3...}. */
        public String encoded() {
            return name + "+" + hex8(keyId()) + "+" + Base64.getEncoder().encodeToString(typed(type, publicKey));
        }

        public static VerifierKey parse(String encoded) {
            int plus = encoded.indexOf('+');
            int second = plus < 0 ? -1 : encoded.indexOf('+', plus + 1);
            if (plus <= 0 || second < 0) {
                throw new IllegalArgumentException("a verifier key is name+keyid+key");
            }
            byte[] typed = decodeBase64(encoded.substring(second + 1));
            if (typed.length != 33) {
                throw new IllegalArgumentException("a verifier key holds a type byte and 32 key bytes");
            }
            VerifierKey key = new VerifierKey(encoded.substring(0, plus), typed[0], Arrays.copyOfRange(typed, 1, 33));
            if (!encoded.substring(plus + 1, second).equals(hex8(key.keyId()))) {
                throw new IllegalArgumentException("the verifier key's id does not match its name and key");
            }
            return key;
        }

        PublicKey javaKey() {
            try {
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, publicKey)));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an Ed25519 public key", e);
            }
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }
    }

    /** A private key (its 32-byte Ed25519 seed) and the name it signs under. */
    public record SignerKey(String name, byte type, byte[] seed) {

        public SignerKey {
            checkName(name);
            checkType(type);
            if (seed.length != 32) {
                throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
            }
            seed = seed.clone();
        }

        public static SignerKey generate(String name, byte type, SecureRandom random) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            return new SignerKey(name, type, seed);
        }

        public static SignerKey parse(String encoded) {
            String prefix = "PRIVATE+KEY+";
            if (!encoded.startsWith(prefix)) {
                throw new IllegalArgumentException("a signer key starts with PRIVATE+KEY+");
            }
            String rest = encoded.substring(prefix.length());
            int plus = rest.indexOf('+');
            int second = plus < 0 ? -1 : rest.indexOf('+', plus + 1);
            if (plus <= 0 || second < 0) {
                throw new IllegalArgumentException("a signer key is PRIVATE+KEY+name+keyid+key");
            }
            byte[] typed = decodeBase64(rest.substring(second + 1));
            if (typed.length != 33) {
                throw new IllegalArgumentException("a signer key holds a type byte and a 32-byte seed");
            }
            SignerKey key = new SignerKey(rest.substring(0, plus), typed[0], Arrays.copyOfRange(typed, 1, 33));
            if (!rest.substring(plus + 1, second).equals(hex8(key.verifierKey().keyId()))) {
                throw new IllegalArgumentException("the signer key's id does not match its name and key");
            }
            return key;
        }

        public String encoded() {
            return "PRIVATE+KEY+" + name + "+" + hex8(verifierKey().keyId()) + "+"
                    + Base64.getEncoder().encodeToString(typed(type, seed));
        }

        public VerifierKey verifierKey() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
                byte[] encoded = generator.generateKeyPair().getPublic().getEncoded();
                return new VerifierKey(name, type, Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java runtime since 15 has Ed25519", e);
            }
        }

        byte[] sign(byte[] message) {
            try {
                PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(key);
                signature.update(message);
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with Ed25519", e);
            }
        }

        @Override
        public byte[] seed() {
            return seed.clone();
        }

        @Override
        public String toString() {
            return "SignerKey[" + name + "]";
        }
    }

    /** One signature line: the signer's name, the key id and what follows it (timestamp and/or signature bytes). */
    public record NoteSignature(String name, long keyId, byte[] signature) {

        public NoteSignature {
            signature = signature.clone();
        }

        String line() {
            ByteBuffer blob = ByteBuffer.allocate(4 + signature.length).putInt((int) keyId).put(signature);
            return DASH + name + " " + Base64.getEncoder().encodeToString(blob.array()) + "\n";
        }

        /** A cosignature/v1's timestamp (seconds since the epoch). */
        public long timestamp() {
            return ByteBuffer.wrap(signature, 0, 8).getLong();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** A note: its text (ending in a newline) and its signatures, in order. */
    public record Note(String text, List<NoteSignature> signatures) {

        public Note {
            checkText(text);
            signatures = List.copyOf(signatures);
        }

        public String encoded() {
            StringBuilder note = new StringBuilder(text).append('\n');
            signatures.forEach(signature -> note.append(signature.line()));
            return note.toString();
        }

        /** Reads a note; its signatures are not checked here but by {@link #verifiedBy}. */
        public static Note parse(String note) {
            if (note.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
                throw new IllegalArgumentException("a note is at most " + MAX_NOTE_BYTES + " bytes");
            }
            int split = note.lastIndexOf("\n\n");
            if (split < 0 || !note.endsWith("\n")) {
                throw new IllegalArgumentException("a signed note is text, a blank line and signature lines");
            }
            String text = note.substring(0, split + 1);
            List<NoteSignature> signatures = new ArrayList<>();
            for (String line : note.substring(split + 2).split("\n")) {
                if (signatures.size() == MAX_SIGNATURES) {
                    throw new IllegalArgumentException("a note carries at most " + MAX_SIGNATURES + " signatures");
                }
                int space = line.lastIndexOf(' ');
                if (!line.startsWith(DASH) || space <= DASH.length()) {
                    throw new IllegalArgumentException("a signature line is '\u2014 <name> <base64>'");
                }
                String name = line.substring(DASH.length(), space);
                checkName(name);
                byte[] blob = decodeBase64(line.substring(space + 1));
                if (blob.length < 5) {
                    throw new IllegalArgumentException("a signature holds a 4-byte key id and the signature");
                }
                signatures.add(new NoteSignature(name, Integer.toUnsignedLong(ByteBuffer.wrap(blob).getInt()),
                        Arrays.copyOfRange(blob, 4, blob.length)));
            }
            if (signatures.isEmpty()) {
                throw new IllegalArgumentException("a signed note carries at least one signature");
            }
            return new Note(text, signatures);
        }

        /** Whether this key signed the note (type 0x01) or cosigned it (type 0x04): a line with its name and id that verifies. */
        public boolean verifiedBy(VerifierKey key) {
            return signatures.stream().anyMatch(signature -> signature.name().equals(key.name())
                    && signature.keyId() == key.keyId() && verifies(key, signature));
        }

        private boolean verifies(VerifierKey key, NoteSignature signature) {
            byte[] blob = signature.signature;
            byte[] message;
            byte[] ed25519;
            if (key.type() == COSIGNATURE_V1) {
                if (blob.length != 72 || signature.timestamp() < 0) {
                    return false;
                }
                message = cosignedMessage(signature.timestamp(), text);
                ed25519 = Arrays.copyOfRange(blob, 8, 72);
            } else {
                if (blob.length != 64) {
                    return false;
                }
                message = text.getBytes(StandardCharsets.UTF_8);
                ed25519 = blob;
            }
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key.javaKey());
                verifier.update(message);
                return verifier.verify(ed25519);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        /** The note with one more signature line. */
        public Note with(NoteSignature signature) {
            List<NoteSignature> all = new ArrayList<>(signatures);
            all.add(signature);
            return new Note(text, all);
        }
    }

    /** The log's signature of a text with a key of type 0x01. */
    public static NoteSignature sign(String text, SignerKey key) {
        checkText(text);
        if (key.type() != ED25519) {
            throw new IllegalArgumentException("a note is signed with a key of type 0x01");
        }
        return new NoteSignature(key.name(), key.verifierKey().keyId(), key.sign(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A witness's cosignature/v1 of a checkpoint's text at {@code timestamp} (seconds since the epoch), with a key of type 0x04. */
    public static NoteSignature cosign(String checkpointText, SignerKey key, long timestamp) {
        checkText(checkpointText);
        if (key.type() != COSIGNATURE_V1 || timestamp < 0) {
            throw new IllegalArgumentException("a cosignature/v1 is made with a key of type 0x04 at a time >= 0");
        }
        byte[] signature = key.sign(cosignedMessage(timestamp, checkpointText));
        byte[] blob = ByteBuffer.allocate(72).putLong(timestamp).put(signature).array();
        return new NoteSignature(key.name(), key.verifierKey().keyId(), blob);
    }

    private static byte[] cosignedMessage(long timestamp, String text) {
        return ("cosignature/v1\ntime " + timestamp + "\n" + text).getBytes(StandardCharsets.UTF_8);
    }

    static long keyId(String name, byte type, byte[] publicKey) {
        byte[] hash = Sha256.digest((name + "\n").getBytes(StandardCharsets.UTF_8), new byte[]{type}, publicKey);
        return new BigInteger(1, Arrays.copyOf(hash, 4)).longValue();
    }

    private static String hex8(long keyId) {
        return String.format(Locale.ROOT, "%08x", keyId);
    }

    private static byte[] typed(byte type, byte[] key) {
        return concat(new byte[]{type}, key);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Standard base64 with its padding, and only its one canonical spelling: two notes never differ in encoding alone. */
    static byte[] decodeBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not standard padded base64: " + e.getMessage(), e);
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new IllegalArgumentException("not canonical standard padded base64");
        }
        return bytes;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c == '+' || Character.isWhitespace(c)
                || Character.isSpaceChar(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("a key name is not empty and has no '+', space or control character");
        }
    }

    private static void checkType(byte type) {
        if (type != ED25519 && type != COSIGNATURE_V1) {
            throw new IllegalArgumentException("only key types 0x01 (Ed25519) and 0x04 (cosignature/v1) are known");
        }
    }

    private static void checkText(String text) {
        if (text == null || !text.endsWith("\n") || text.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c))) {
            throw new IllegalArgumentException("a note's text ends in a newline and has no other control character");
        }
    }

    /** Hands the Ed25519 key generator the seed to derive the public key from. */
    private static final class FixedSeed extends SecureRandom {

        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
