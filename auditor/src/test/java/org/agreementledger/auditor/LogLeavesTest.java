package org.agreementledger.auditor;

import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.Sha256;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The transparency log's leaves are read from whatever a record's headers say, in the ledger's spelling or not. */
class LogLeavesTest {

    private static final String HASH = Sha256.toHex(Sha256.digest("leaf".getBytes(StandardCharsets.UTF_8)));
    private final LogLeaves leaves = new LogLeaves();
    private long offset;

    @Test
    void aLeafInTheLedgersSpellingAndOneSpelledOtherwiseAreHeldAlike() {
        add("0", HASH);
        add("+1", HASH.toUpperCase());

        assertThat(leaves.problems()).isEmpty();
        assertThat(leaves.contiguous()).isEqualTo(2);
        assertThat(leaves.eventHash(0)).isEqualTo(Sha256.parseDigest(HASH));
        assertThat(leaves.eventHash(1)).isEqualTo(Sha256.parseDigest(HASH));
    }

    @Test
    void anUnreadableIndexOrHashIsAProblemAndHoldsNothing() {
        add("x1", HASH);
        add("0", "not hex");
        add("99999999999999999999", HASH);

        assertThat(leaves.problems()).hasSize(3).allMatch(problem -> problem.contains("unreadable"));
        assertThat(leaves.any()).isFalse();
    }

    @Test
    void anIndexFarBeyondTheRecordsReadIsNotBelievedAndTwoHashesForOneIndexConflict() {
        add("5000000", HASH);
        add("0", HASH);
        add("0", Sha256.toHex(Sha256.digest("other".getBytes(StandardCharsets.UTF_8))));

        assertThat(leaves.problems()).hasSize(2);
        assertThat(leaves.problems().get(0)).contains("5000000 is out of range");
        assertThat(leaves.problems().get(1)).contains("log index 0 is claimed by two events with different hashes");
        assertThat(leaves.eventHash(0)).isEqualTo(Sha256.parseDigest(HASH));
    }

    @Test
    void leavesBeyondAPageOfThemAreHeldAsTheFirstAre() {
        String other = Sha256.toHex(Sha256.digest("other".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 70_000; i++) {
            add(Integer.toString(i), i == 32_768 || i == 69_999 ? other : HASH);
        }

        assertThat(leaves.problems()).isEmpty();
        assertThat(leaves.contiguous()).isEqualTo(70_000);
        assertThat(leaves.eventHash(32_767)).isEqualTo(Sha256.parseDigest(HASH));
        assertThat(leaves.eventHash(32_768)).isEqualTo(Sha256.parseDigest(other));
        assertThat(leaves.eventHash(69_999)).isEqualTo(Sha256.parseDigest(other));
    }

    private void add(String index, String hash) {
        leaves.add(new LogRecord(0, offset++, "k", new String[] {EventHeaders.LOG_INDEX, EventHeaders.HASH},
                new byte[][] {index.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)}, new byte[0]));
    }
}
