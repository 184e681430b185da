package org.agreementledger.ledger.audit;

import org.agreementledger.contract.integrity.LedgerKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** The ledger's Ed25519 checkpoint key, from the JDK alone: read from the key directory, or made there once. */
@Component
class LedgerSigningKey {

    private static final Logger log = LoggerFactory.getLogger(LedgerSigningKey.class);
    static final String PRIVATE_FILE = "checkpoint-key.ed25519.pem";
    static final String PUBLIC_FILE = "checkpoint-key.ed25519.pub.pem";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    LedgerSigningKey(CheckpointProperties properties) {
        Path dir = properties.keyDirectory();
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            if (!Files.exists(privateFile)) {
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                Files.createDirectories(dir);
                write(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded());
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
                write(publicFile, "PUBLIC KEY", pair.getPublic().getEncoded());
                log.info("Made the ledger's checkpoint key {} in {}", LedgerKeys.keyId(pair.getPublic()), dir.toAbsolutePath());
            }
            KeyFactory keys = KeyFactory.getInstance("Ed25519");
            privateKey = keys.generatePrivate(new PKCS8EncodedKeySpec(read(privateFile)));
            publicKey = LedgerKeys.fromPem(Files.readString(publicFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the checkpoint key in " + dir.toAbsolutePath(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the checkpoint key in " + dir.toAbsolutePath() + " is not an Ed25519 key", e);
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    PublicKey publicKey() {
        return publicKey;
    }

    /** The private key's 32-byte Ed25519 seed: the end of its PKCS#8 encoding (RFC 8410). */
    byte[] seed() {
        byte[] encoded = privateKey.getEncoded();
        return java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    String keyId() {
        return LedgerKeys.keyId(publicKey);
    }

    private static void write(Path file, String label, byte[] der) throws IOException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        Files.writeString(file, pem);
    }

    private static byte[] read(Path file) throws IOException {
        String body = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
