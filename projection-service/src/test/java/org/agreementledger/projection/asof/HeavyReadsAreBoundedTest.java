package org.agreementledger.projection.asof;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An instance runs at most {@code projection.as-of.max-concurrent} as-of replays and audit views at once; one more is
 * refused at once rather than queued behind them (answered 503 with Retry-After by {@link BusyProblem}).
 */
class HeavyReadsAreBoundedTest {

    @Test
    void aThirdHeavyReadWhileTwoRunIsRefusedAndRunsOnceOneHasFinished() throws Exception {
        AsOfViews views = new AsOfViews(null, null, null, null, null, null, new AsOfProperties(2));
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService auditors = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = auditors.submit(() -> views.heavy(() -> holdUntil(running, finish)));
            Future<String> second = auditors.submit(() -> views.heavy(() -> holdUntil(running, finish)));
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> views.heavy(() -> "third")).isInstanceOf(AsOfViews.Busy.class)
                    .hasMessageContaining("projection.as-of.max-concurrent");

            finish.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(views.heavy(() -> "third")).isEqualTo("third");
        } finally {
            auditors.shutdownNow();
        }
    }

    @Test
    void aFailedHeavyReadGivesItsPlaceBack() {
        AsOfViews views = new AsOfViews(null, null, null, null, null, null, new AsOfProperties(1));
        assertThatThrownBy(() -> views.heavy(() -> {
            throw new IllegalStateException("the database went away");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(views.heavy(() -> "next")).isEqualTo("next");
    }

    private static String holdUntil(CountDownLatch running, CountDownLatch finish) {
        running.countDown();
        try {
            finish.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "done";
    }
}
