package org.agreementledger.ledger.audit;

import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.LedgerKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The ledger's Ed25519 signing key, from the JDK alone: read from the key directory, or made there once. It signs the
 * per-agreement checkpoints and the transparency log's tree heads. A rotation ({@link #rotate}) retires the current
 * key, keeping its public half with the time it stopped signing under {@code retired/}, and makes a new one: the key
 * set served at {@code /.well-known/ledger-keys} keeps every retired key, so what it signed still verifies.
 */
@Component
class LedgerSigningKey {

    private static final Logger log = LoggerFactory.getLogger(LedgerSigningKey.class);
    static final String PRIVATE_FILE = "checkpoint-key.ed25519.pem";
    static final String PUBLIC_FILE = "checkpoint-key.ed25519.pub.pem";
    /** When the current key started signing (absent for a key made before rotation existed). */
    static final String SINCE_FILE = "checkpoint-key.since";
    static final String RETIRED = "retired";

    private final Path dir;
    private final Clock clock;
    private volatile Current current;

    /** The signing key and the retired ones, read at start and after a rotation: not from disk per request. */
    private record Current(PrivateKey privateKey, PublicKey publicKey, Instant since, List<LedgerKeys.ValidKey> retired) {
    }

    LedgerSigningKey(CheckpointProperties properties, Clock clock) {
        this.dir = properties.keyDirectory();
        this.clock = clock;
        try {
            if (!Files.exists(dir.resolve(PRIVATE_FILE))) {
                make();
            }
            current = read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the checkpoint key in " + dir.toAbsolutePath(), e);
        }
    }

    PrivateKey privateKey() {
        return current.privateKey();
    }

    PublicKey publicKey() {
        return current.publicKey();
    }

    /** The private key's 32-byte Ed25519 seed: the end of its PKCS#8 encoding (RFC 8410). */
    byte[] seed() {
        byte[] encoded = current.privateKey().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    String keyId() {
        return LedgerKeys.keyId(current.publicKey());
    }

    /** The current key first, then every retired one, newest first. */
    List<LedgerKeys.ValidKey> keys() {
        List<LedgerKeys.ValidKey> keys = new ArrayList<>();
        Current now = current;
        keys.add(new LedgerKeys.ValidKey(now.publicKey(), now.since(), null));
        keys.addAll(now.retired());
        return keys;
    }

    /** The retired keys under {@code retired/}, newest first. */
    private List<LedgerKeys.ValidKey> readRetired() throws IOException {
        List<LedgerKeys.ValidKey> retired = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(RETIRED), "*.pub.pem")) {
            for (Path file : files) {
                PublicKey key = LedgerKeys.fromPem(Files.readString(file));
                Path validity = file.resolveSibling(LedgerKeys.keyId(key) + ".json");
                var json = LedgerJson.readTree(Files.readAllBytes(validity));
                retired.add(new LedgerKeys.ValidKey(key,
                        json.hasNonNull("notBefore") ? Instant.parse(json.get("notBefore").asText()) : null,
                        Instant.parse(json.get("notAfter").asText())));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
        retired.sort(Comparator.comparing(LedgerKeys.ValidKey::notAfter).reversed());
        return List.copyOf(retired);
    }

    /**
     * Retires the current key (its public half and the instant it stops signing go to {@code retired/}; its private
     * half is deleted) and makes a new one, which signs from now on.
     */
    synchronized void rotate() {
        Current old = current;
        Instant now = clock.instant();
        try {
            Path retired = Files.createDirectories(dir.resolve(RETIRED));
            String id = LedgerKeys.keyId(old.publicKey());
            write(retired.resolve(id + ".pub.pem"), "PUBLIC KEY", old.publicKey().getEncoded());
            var validity = LedgerJson.mapper().createObjectNode();
            if (old.since() != null) {
                validity.put("notBefore", old.since().toString());
            }
            validity.put("notAfter", now.toString());
            Files.writeString(retired.resolve(id + ".json"), validity.toString());
            make();
            current = read();
            log.info("Rotated the ledger's signing key: {} retired at {}, {} signs from now on", id, now, keyId());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the checkpoint key in " + dir.toAbsolutePath(), e);
        }
    }

    /** Makes a key pair and puts it in place of the current files (written aside first, then moved over them). */
    private void make() throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime since 15 has Ed25519", e);
        }
        Files.createDirectories(dir);
        Path privateFile = dir.resolve(PRIVATE_FILE + ".new");
        write(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded());
        Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
        write(dir.resolve(PUBLIC_FILE + ".new"), "PUBLIC KEY", pair.getPublic().getEncoded());
        Files.writeString(dir.resolve(SINCE_FILE + ".new"), clock.instant().toString());
        Files.move(privateFile, dir.resolve(PRIVATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve(PUBLIC_FILE + ".new"), dir.resolve(PUBLIC_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve(SINCE_FILE + ".new"), dir.resolve(SINCE_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        log.info("Made the ledger's checkpoint key {} in {}", LedgerKeys.keyId(pair.getPublic()), dir.toAbsolutePath());
    }

    private Current read() throws IOException {
        try {
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(der(dir.resolve(PRIVATE_FILE))));
            PublicKey publicKey = LedgerKeys.fromPem(Files.readString(dir.resolve(PUBLIC_FILE)));
            Path since = dir.resolve(SINCE_FILE);
            return new Current(privateKey, publicKey,
                    Files.exists(since) ? Instant.parse(Files.readString(since).strip()) : null, readRetired());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the checkpoint key in " + dir.toAbsolutePath() + " is not an Ed25519 key", e);
        }
    }

    private static void write(Path file, String label, byte[] der) throws IOException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        Files.writeString(file, pem);
    }

    private static byte[] der(Path file) throws IOException {
        String body = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
