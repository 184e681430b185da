package org.agreementledger.ledger.audit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointPropertiesTest {

    @Test
    void aCheckpointReadTimeoutOutsideOneSecondToADayStopsTheLedgerFromStartingRatherThanEveryCheckpointFailing() {
        for (Duration refused : new Duration[]{Duration.ZERO, Duration.ofMillis(999), Duration.ofSeconds(-1),
                Duration.ofDays(1).plusMillis(1), Duration.ofDays(30)}) {
            assertThatThrownBy(() -> withReadTimeout(refused)).as(refused.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ledger.checkpoints.read-timeout");
        }
        assertThat(withReadTimeout(Duration.ofSeconds(1)).readTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(withReadTimeout(Duration.ofDays(1)).readTimeout()).isEqualTo(Duration.ofDays(1));
    }

    private static CheckpointProperties withReadTimeout(Duration readTimeout) {
        return new CheckpointProperties(Duration.ofMinutes(5), "ledger.checkpoints", Path.of("keys"), 100_000, readTimeout);
    }
}
