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
    void noTextIsNoHash() {
        assertThat(Sha256.parseDigest(null)).isNull();
    }
}
