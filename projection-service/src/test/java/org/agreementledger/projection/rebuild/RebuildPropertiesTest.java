package org.agreementledger.projection.rebuild;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RebuildPropertiesTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void aParallelismOutsideOneToSixtyFourStopsTheProjectionFromStarting() {
        for (int refused : new int[]{0, -1, 65, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> new RebuildProperties(refused, TEN_SECONDS)).as(Integer.toString(refused))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projection.rebuild.parallelism");
        }
        assertThat(new RebuildProperties(1, TEN_SECONDS).parallelism()).isOne();
        assertThat(new RebuildProperties(64, TEN_SECONDS).parallelism()).isEqualTo(64);
    }

    @Test
    void anOldViewsLockWaitOfNothingWhichPostgresqlReadsAsForEverOrOfOverAnHourStopsTheProjectionFromStarting() {
        for (Duration refused : new Duration[]{Duration.ZERO, Duration.ofNanos(999_999), Duration.ofSeconds(-1),
                Duration.ofHours(1).plusMillis(1), Duration.ofDays(1)}) {
            assertThatThrownBy(() -> new RebuildProperties(2, refused)).as(refused.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("projection.rebuild.old-views-lock-wait");
        }
        assertThat(new RebuildProperties(2, Duration.ofMillis(1)).oldViewsLockWait()).isEqualTo(Duration.ofMillis(1));
        assertThat(new RebuildProperties(2, Duration.ofHours(1)).oldViewsLockWait()).isEqualTo(Duration.ofHours(1));
    }
}
