package org.agreementledger.infra;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The local stack's own token issuer: an RSA key made at first start and kept in the data folder, and JWTs signed
 * with it that carry the claims the services read (sub, country, roles). Production plugs in a real identity
 * provider instead; the services only ever see its public key or JWK set.
 */
public final class LocalIdentityProvider {

    public static final String ISSUER = "https://agreement-ledger.local/issuer";
    private static final String PRIVATE_KEY = "signing-key.pem";
    private static final String PUBLIC_KEY = "signing-key.pub.pem";

    private final RSAPrivateKey privateKey;
    private final Path publicKeyFile;
    private final String keyId;

    private LocalIdentityProvider(RSAPrivateKey privateKey, Path publicKeyFile, String keyId) {
        this.privateKey = privateKey;
        this.publicKeyFile = publicKeyFile;
        this.keyId = keyId;
    }

    /** Loads the key from {@code dir}, making it on first use. */
    public static LocalIdentityProvider loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path privateFile = dir.resolve(PRIVATE_KEY);
            Path publicFile = dir.resolve(PUBLIC_KEY);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                restrict(privateFile);
            }
            RSAPrivateKey privateKey = (RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(unpem(Files.readString(privateFile))));
            RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(unpem(Files.readString(publicFile))));
            String keyId = Integer.toHexString(publicKey.getModulus().hashCode());
            return new LocalIdentityProvider(privateKey, publicFile, keyId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the local signing key from " + dir, e);
        }
    }

    /** The public key, PEM-encoded, for {@code spring.security.oauth2.resourceserver.jwt.public-key-location}. */
    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** A token for a country's service, an auditor or a dashboard; {@code country} is null for the latter two. */
    public String mint(String principal, String country, List<String> roles, Duration validity) {
        Instant now = Instant.now();
        return mint(principal, country, roles, now, now.plus(validity), ISSUER);
    }

    public String mint(String principal, String country, List<String> roles, Instant issuedAt, Instant expiresAt,
                       String issuer) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(principal)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .claim("roles", roles);
        if (country != null) {
            claims.claim("country", country);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims.build());
            jwt.sign(new RSASSASigner(privateKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the data folder's own permissions protect it
        }
    }
}
