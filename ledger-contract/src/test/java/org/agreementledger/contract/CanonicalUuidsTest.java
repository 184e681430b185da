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
}
