package org.agreementledger.stack;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {

    private final AtomicLong now = new AtomicLong();
    private final RestartPolicy policy = new RestartPolicy(now::get);

    @Test
    void aServiceThatDiesIsStartedAgainAtOnceThenAfterLongerWaitsAndGivenUpOnceItKeepsDying() {
        assertThat(policy.died()).contains(Duration.ZERO);
        assertThat(policy.died()).contains(Duration.ofSeconds(1));
        assertThat(policy.died()).contains(Duration.ofSeconds(2));
        assertThat(policy.died()).contains(Duration.ofSeconds(4));
        assertThat(policy.died()).contains(Duration.ofSeconds(8));
        assertThat(policy.died()).as("a sixth death within ten minutes").isEqualTo(Optional.empty());
    }

    @Test
    void deathsOlderThanTheWindowAreForgiven() {
        for (int i = 0; i < RestartPolicy.MAX_DEATHS; i++) {
            policy.died();
            now.addAndGet(Duration.ofMinutes(1).toNanos());
        }
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        assertThat(policy.died()).as("the deaths of more than ten minutes ago no longer count")
                .contains(Duration.ofSeconds(4));
    }
}
