package org.agreementledger.projection.live;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.projection.consumer.FeedItem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveFeedTest {

    @Test
    void anInstanceOpensNoMoreSubscriptionsThanItHoldsThreadsFor() {
        LiveFeed feed = new LiveFeed(new SimpleMeterRegistry(), new LiveProperties(2, Duration.ofSeconds(15)));

        assertThat(feed.subscribe(new StreamStart(0, false), item -> true, after -> List.of(), item -> item)).isNotNull();
        assertThat(feed.subscribe(new StreamStart(0, false), item -> true, after -> List.of(), item -> item)).isNotNull();
        assertThatThrownBy(() -> feed.subscribe(new StreamStart(0, false), item -> true, after -> List.of(), item -> item))
                .isInstanceOf(LiveFeed.TooManySubscribers.class).hasMessageContaining("projection.live.max-subscribers");
    }

    @Test
    void aViewIsRenderedOnceForAllTheEventsAppliedWhileItsLastRenderWasUnderwayNotOncePerEvent() throws Exception {
        LiveFeed feed = new LiveFeed(new SimpleMeterRegistry(), new LiveProperties(10, Duration.ofSeconds(15)));
        CountDownLatch firstRenderStarted = new CountDownLatch(1);
        CountDownLatch slowClient = new CountDownLatch(1);
        AtomicInteger renders = new AtomicInteger();
        CountDownLatch secondRender = new CountDownLatch(1);
        feed.subscribeToView(new StreamStart(0, false), item -> item.parties().contains("FJ"), after -> List.of(), () -> {
            if (renders.incrementAndGet() == 1) {
                firstRenderStarted.countDown();
                await(slowClient);
            } else {
                secondRender.countDown();
            }
            return "the view now";
        }, "snapshot");

        feed.applied(List.of(item(1, "FJ")));
        assertThat(firstRenderStarted.await(5, TimeUnit.SECONDS)).isTrue();
        // five thousand events while the first view is still being rendered and written, far past the 1,000 an
        // event stream may fall behind before it is dropped
        LongStream.rangeClosed(2, 5_001).forEach(id -> feed.applied(List.of(item(id, id % 2 == 0 ? "FJ" : "WS"))));
        slowClient.countDown();

        assertThat(secondRender.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        assertThat(renders.get()).as("the first, then one for the 2,500 that concern Fiji since").isEqualTo(2);
    }

    private static FeedItem item(long feedId, String party) {
        return new FeedItem(feedId, "agreement-" + feedId, 0, "TransferRecorded", Instant.now(), "test", party,
                List.of(party), "{}");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
