package org.agreementledger.contract.integrity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex, the form hashes take in headers, checkpoints and reports. */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {
    }

    /**
     * One digest per thread, reused: {@code MessageDigest.getInstance} looks the provider up and allocates the state
     * afresh, for each of the two million digests of folding a million leaves into a tree head (about 400 MB, JFR).
     */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(Sha256::newDigest);

    public static byte[] digest(byte[]... parts) {
        MessageDigest digest = DIGESTS.get();
        digest.reset(); // a call that failed half-way (a null part) must not leave its bytes in the next
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    public static String hex(byte[]... parts) {
        return HEX.formatHex(digest(parts));
    }

    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }

    /** The 32 bytes a hash names in its header form (64 lowercase hex digits); null for any other text. */
    public static byte[] parseDigest(String hex) {
        if (hex == null || hex.length() != 64) {
            return null;
        }
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) {
            int high = lowerHexDigit(hex.charAt(2 * i));
            int low = lowerHexDigit(hex.charAt(2 * i + 1));
            if ((high | low) < 0) {
                return null;
            }
            digest[i] = (byte) (high << 4 | low);
        }
        return digest;
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    public static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
