package org.agreementledger.projection.consumer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkPropertiesTest {

    @Test
    void aBulkStatementTimeoutOutsideOneSecondToADayStopsTheProjectionFromStartingRatherThanEveryRebuildFailing() {
        for (Duration refused : new Duration[]{Duration.ZERO, Duration.ofMillis(999), Duration.ofSeconds(-1),
                Duration.ofDays(1).plusMillis(1), Duration.ofDays(30)}) {
            assertThatThrownBy(() -> new BulkProperties(refused)).as(refused.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projection.bulk.statement-timeout");
        }
        assertThat(new BulkProperties(Duration.ofSeconds(1)).statementTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new BulkProperties(Duration.ofDays(1)).statementTimeout()).isEqualTo(Duration.ofDays(1));
    }
}
