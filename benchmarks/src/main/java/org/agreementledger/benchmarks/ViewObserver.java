package org.agreementledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.StackConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * How the latency phase sees that an offer reached the view: by asking the projection for the agreement every 2 ms
 * ({@code poll}, a reader checking for it, at the price of some 250 requests a second to the projection while a
 * sample waits), or by the projection's live feed of the timed offers' country ({@code push}, as a dashboard is told
 * of it: the feed sends an event after the batch that applied it has committed, and costs the projection nothing for
 * the load's offers, which its country filter skips before rendering them).
 */
interface ViewObserver extends AutoCloseable {

    /** The country that makes the timed offers, and the one they are offered to: no load offers between these two. */
    String SAMPLE_COUNTRY = "BZ";
    String SAMPLE_PARTNER = "GT";

    /** When ({@link System#nanoTime()}) the agreement was seen in the view, waiting at most until {@code deadline}. */
    long awaitVisible(String agreementId, long deadline) throws IOException, InterruptedException, TimeoutException;

    /** What "in the view" means with this observer, for the report. */
    String description();

    @Override
    void close();

    static ViewObserver of(String kind, StackConfig config, LocalIdentityProvider identity) throws InterruptedException {
        return switch (kind) {
            case "poll" -> new Poll(new LedgerHttp(config, identity));
            case "push" -> new Push(config.projectionUrl(),
                    identity.mint("bench-watch", SAMPLE_COUNTRY, List.of("ledger.write"), Duration.ofDays(1)));
            default -> throw new IllegalArgumentException("no view observer '" + kind + "'");
        };
    }

    /** Asks {@code GET /agreements/{id}} until it answers 200. */
    final class Poll implements ViewObserver {

        private static final Duration INTERVAL = Duration.ofMillis(2);
        private final LedgerHttp reader;

        Poll(LedgerHttp reader) {
            this.reader = reader;
        }

        @Override
        public long awaitVisible(String agreementId, long deadline)
                throws IOException, InterruptedException, TimeoutException {
            while (!reader.projected(agreementId)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(agreementId + " not projected in time");
                }
                Thread.sleep(INTERVAL.toMillis());
            }
            return System.nanoTime();
        }

        @Override
        public String description() {
            return "the first `GET /agreements/{id}` on the projection that answers 200, polled every "
                    + INTERVAL.toMillis() + " ms by a client of its own (`--view-observer=poll`)";
        }

        @Override
        public void close() {
        }
    }

    /** Reads {@code /live/events} with the sample country's token: the feed of that country's agreements. */
    final class Push implements ViewObserver {

        private static final ObjectMapper JSON = new ObjectMapper();
        private final Map<String, Long> pushedAt = new ConcurrentHashMap<>();
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private final CompletableFuture<HttpResponse<Stream<String>>> response;
        private String event;
        private volatile boolean ended;

        Push(String projectionUrl, String token) throws InterruptedException {
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().sendAsync(
                    HttpRequest.newBuilder(URI.create(projectionUrl + "/live/events")).header("Accept", "text/event-stream")
                            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> {
                try {
                    r.body().forEach(this::line);
                } finally {
                    ended = true;
                    synchronized (this) {
                        notifyAll();
                    }
                }
            });
            if (!subscribed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the projection's live feed did not start within 30 s");
            }
        }

        private void line(String line) {
            long now = System.nanoTime();
            if (line.startsWith(":subscribed")) {
                subscribed.countDown();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:") && "AgreementOffered".equals(event)) {
                try {
                    JsonNode data = JSON.readTree(line.substring(5));
                    pushedAt.putIfAbsent(data.path("agreementId").asText(), now);
                } catch (IOException e) {
                    throw new IllegalStateException("the live feed sent what is not JSON: " + line, e);
                }
                synchronized (this) {
                    notifyAll();
                }
            } else if (line.isEmpty()) {
                event = null;
            }
        }

        @Override
        public synchronized long awaitVisible(String agreementId, long deadline)
                throws InterruptedException, TimeoutException {
            for (Long at = pushedAt.remove(agreementId); ; at = pushedAt.remove(agreementId)) {
                if (at != null) {
                    return at;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new TimeoutException(agreementId + " not pushed by the live feed in time"
                            + (ended ? " (the feed ended)" : ""));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public String description() {
            return "the agreement's `AgreementOffered` arriving on the projection's live feed, `/live/events` read with"
                    + " the token of the timed offers' country, as a dashboard of that country is told of it"
                    + " (`--view-observer=push`)";
        }

        @Override
        public void close() {
            response.cancel(true);
            response.thenAccept(r -> r.body().close());
        }
    }
}
