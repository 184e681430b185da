package org.agreementledger.contract.integrity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {

    @Test
    void aHashInItsHeaderFormReadsBackAsItsDigest() {
        byte[] digest = Sha256.digest("agreement".getBytes());
        assertThat(Sha256.parseDigest(Sha256.toHex(digest))).isEqualTo(digest);
    }

    /** Only the form the ledger writes names a hash: an auditor must not accept a hash the chain would not hold. */
    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
            "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde "})
    void anythingButSixtyFourLowercaseHexDigitsIsNoHash(String text) {
        assertThat(Sha256.parseDigest(text)).isNull();
    }

    @Test
    void aDigestThatFailedHalfWayLeavesNothingInTheNext() {
        byte[] agreement = "agreement".getBytes();
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> Sha256.digest("partial".getBytes(), null));

        assertThat(Sha256.digest(agreement)).isEqualTo(freshDigest(agreement));
    }

    private static byte[] freshDigest(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noTextIsNoHash() {
        assertThat(Sha256.parseDigest(null)).isNull();
    }
}
