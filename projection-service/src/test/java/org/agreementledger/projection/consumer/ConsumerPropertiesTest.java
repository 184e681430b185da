package org.agreementledger.projection.consumer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerPropertiesTest {

    @Test
    void aSessionTimeoutNoBrokerAcceptsByDefaultStopsTheProjectionFromStartingRatherThanFromEverJoiningItsGroup() {
        for (Duration refused : new Duration[]{Duration.ZERO, Duration.ofMillis(5_999), Duration.ofMinutes(30).plusMillis(1)}) {
            assertThatThrownBy(() -> withSessionTimeout(refused)).as(refused.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projection.kafka.session-timeout");
        }
        assertThat(withSessionTimeout(Duration.ofSeconds(6)).sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(withSessionTimeout(Duration.ofMinutes(30)).sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    private static ConsumerProperties withSessionTimeout(Duration sessionTimeout) {
        return new ConsumerProperties("localhost:9092", "ledger.agreement-events", "projection-service",
                Duration.ofMillis(200), true, sessionTimeout);
    }
}
