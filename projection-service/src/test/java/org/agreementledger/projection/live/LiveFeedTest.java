package org.agreementledger.projection.live;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveFeedTest {

    @Test
    void anInstanceOpensNoMoreSubscriptionsThanItHoldsThreadsFor() {
        LiveFeed feed = new LiveFeed(new SimpleMeterRegistry(), 2, java.time.Duration.ofSeconds(15));

        assertThat(feed.subscribe(0, item -> true, after -> List.of(), item -> item, null)).isNotNull();
        assertThat(feed.subscribe(0, item -> true, after -> List.of(), item -> item, null)).isNotNull();
        assertThatThrownBy(() -> feed.subscribe(0, item -> true, after -> List.of(), item -> item, null))
                .isInstanceOf(LiveFeed.TooManySubscribers.class).hasMessageContaining("projection.live.max-subscribers");
    }
}
