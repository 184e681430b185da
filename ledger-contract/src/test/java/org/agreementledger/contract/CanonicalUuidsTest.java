package org.agreementledger.contract;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalUuidsTest {

    @Test
    void onlyTheSpellingTheLedgerWritesStandsForItsUuid() {
        UUID id = UUID.fromString("0000000a-0001-0001-0001-000000000001");

        assertThat(CanonicalUuids.parse("0000000a-0001-0001-0001-000000000001")).isEqualTo(id);
        assertThat(CanonicalUuids.parse("0000000A-0001-0001-0001-000000000001")).isNull();
        assertThat(CanonicalUuids.parse("a-1-1-1-1")).isNull();
        assertThat(CanonicalUuids.parse("+000000a-0001-0001-0001-000000000001")).isNull();
        assertThat(CanonicalUuids.parse("0000000a00001-0001-0001-000000000001")).isNull();
        assertThat(CanonicalUuids.parse("0000000g-0001-0001-0001-000000000001")).isNull();
        assertThat(CanonicalUuids.parse("")).isNull();
        assertThat(CanonicalUuids.parse(null)).isNull();
        UUID random = UUID.randomUUID();
        assertThat(CanonicalUuids.parse(random.toString())).isEqualTo(random);
    }

    @Test
    void everyUuidReadsBackAsItselfWhateverItsBits() {
        java.util.Random bits = new java.util.Random(12);
        for (int i = 0; i < 10_000; i++) {
            UUID id = new UUID(bits.nextLong(), bits.nextLong());
            assertThat(CanonicalUuids.parse(id.toString())).isEqualTo(id);
        }
        UUID extremes = new UUID(-1L, Long.MIN_VALUE);
        assertThat(CanonicalUuids.parse(extremes.toString())).isEqualTo(extremes);
        assertThat(CanonicalUuids.parse("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(new UUID(-1L, -1L));
        assertThat(CanonicalUuids.parse("0000000a-0001-0001-0001-00000000000/")).isNull();
        assertThat(CanonicalUuids.parse("0000000a-0001-0001-0001-00000000000:")).isNull();
        assertThat(CanonicalUuids.parse("0000000a-0001-0001-0001-00000000000`")).isNull();
    }
}
