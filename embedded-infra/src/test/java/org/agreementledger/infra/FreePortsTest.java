package org.agreementledger.infra;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @Test
    void noPortIsHandedOutTwiceInOneJvmSoAClustersListenersNeverCollide() {
        // 2,000 draws from Linux's ~28,000 ephemeral ports repeat one with near certainty unless each is kept apart
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            assertThat(ports.add(FreePorts.next())).as("draw %d", i).isTrue();
        }
    }
}
