package org.agreementledger.contract.views;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsOfPointTest {

    @Test
    void aPositionIncludesEachPartitionUpToItsOffsetAndReadsTheOthersToTheirEnd() {
        AsOfPoint point = AsOfPoint.of(null, "0:120, 3:98");

        Supplier<String> unread = () -> {
            throw new AssertionError("a point without an instant reads no record's time");
        };
        assertThat(point.includes(0, 119, unread)).isTrue();
        assertThat(point.includes(0, 120, unread)).isFalse();
        assertThat(point.includes(3, 98, unread)).isFalse();
        assertThat(point.includes(5, 1_000_000, unread)).as("a partition not named").isTrue();
        assertThat(AsOfPoint.format(point.positions())).isEqualTo("0:120,3:98");
        assertThat(AsOfPoint.of(" ", null).isEnd()).isTrue();
    }

    @Test
    void anInstantIncludesWhatWasAppendedUpToAndIncludingItAndNothingWithoutATime() {
        AsOfPoint point = AsOfPoint.of("2025-03-01T00:00:00Z", null);

        assertThat(point.includes(0, 5, () -> "2025-03-01T00:00:00Z")).isTrue();
        assertThat(point.includes(0, 5, () -> "2025-03-01T00:00:00.000001Z")).isFalse();
        assertThat(point.includes(0, 5, () -> "yesterday")).as("an unreadable time").isFalse();
        assertThat(point.includes(0, 5, () -> null)).as("no time").isFalse();
    }

    @Test
    void aPointTwoReadersCouldReadTwoWaysIsRefused() {
        Map<String, String> refused = Map.of(
                "0:1,0:2", "names partition 0 more than once",
                "0:-1", "partition:offset pairs",
                "+0:1", "partition:offset pairs",
                "0:1,", "partition:offset pairs",
                "0:1:2", "partition:offset pairs",
                "0:1234567890123456789", "partition:offset pairs",
                "1234567890:1", "partition:offset pairs",
                "0 :1", "partition:offset pairs");
        refused.forEach((position, why) -> assertThatThrownBy(() -> AsOfPoint.of(null, position)).as(position)
                .isInstanceOf(AsOfPoint.Invalid.class).hasMessageContaining(why));
        assertThatThrownBy(() -> AsOfPoint.of("+10000-01-01T00:00:00Z", null)).hasMessageContaining("years 1 to 9999");
        assertThatThrownBy(() -> AsOfPoint.of("-0001-12-31T00:00:00Z", null)).hasMessageContaining("years 1 to 9999");
        assertThatThrownBy(() -> AsOfPoint.of("yesterday", null)).hasMessageContaining("must be an instant");
        assertThat(AsOfPoint.of("9999-12-31T23:59:59.999999999Z", "0:999999999999999999").instant()).isPresent();
    }

    @Test
    void aPointNamingAPartitionTheTopicDoesNotHaveIsRefused() {
        AsOfPoint point = AsOfPoint.of(null, "0:1,7:1");

        point.requirePartitionsWithin(8);
        assertThatThrownBy(() -> point.requirePartitionsWithin(6)).isInstanceOf(AsOfPoint.Invalid.class)
                .hasMessage("names partition 7, but the topic has 6 (0 to 5)");
    }
}
