package org.agreementledger.projection.live;

import org.agreementledger.projection.consumer.AppliedBatchListener;
import org.agreementledger.projection.consumer.FeedItem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Server-Sent Events for everything the projection applies. A subscriber first gets what it missed (from the
 * database, after its Last-Event-ID) and then every new event, without a gap or a duplicate: it is registered
 * before the backlog is read, and what arrives meanwhile waits behind the backlog on the subscriber's own thread.
 * Each subscriber is written to by a thread of its own, so a client that stops reading holds back no one else; one
 * that falls more than {@link #MAX_WAITING} events behind is dropped, and resumes from its Last-Event-ID when it
 * reconnects. At most {@code projection.live.max-subscribers} subscriptions are open at once (each holds a thread),
 * and every {@code projection.live.heartbeat} each gets a comment: proxies keep an idle stream open, and a client
 * that is gone is found by the write that fails, rather than holding its place until the next event.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE) // subscribers hear of a batch before anything else that listens
public class LiveFeed implements AppliedBatchListener {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    /** Events waiting to be written to one subscriber, at most; they are shared with the other subscribers. */
    static final int MAX_WAITING = 1_000;

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong numbers = new AtomicLong();

    /**
     * What is sent for an event may read the views (a country's commitments): one subscriber renders at a time, as the
     * single dispatcher did, so that a thousand subscribers never take the pool's connections from the consumer.
     * Only writing to the clients is done in parallel.
     */
    private final Semaphore renders = new Semaphore(1);
    private final Counter dropped;
    private final int maxSubscribers;

    /** More subscriptions are asked for than one instance holds: refused before any is opened. */
    public static final class TooManySubscribers extends RuntimeException {
        TooManySubscribers(int max) {
            super("This instance holds " + max + " live subscriptions, its most (projection.live.max-subscribers); "
                    + "try again later, or subscribe through another instance.");
        }
    }

    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "live-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    LiveFeed(MeterRegistry meters, LiveProperties properties) {
        this.maxSubscribers = properties.maxSubscribers();
        long heartbeatMillis = properties.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(() -> subscribers.forEach(Subscriber::heartbeat),
                heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        Gauge.builder("projection.live.subscribers", subscribers, List::size).register(meters);
        this.dropped = Counter.builder("projection.live.subscribers.dropped")
                .description("Live subscribers dropped for falling more than " + MAX_WAITING + " events behind")
                .register(meters);
    }

    /**
     * Opens a subscription to events: each one wanted is sent, in order.
     *
     * @param wanted  which items this subscriber receives
     * @param backlog the items after a given feed id, read from the database
     * @param render  what is sent for an item: its data, or null to send nothing
     * @throws TooManySubscribers if this instance already holds as many as it may
     */
    public SseEmitter subscribe(StreamStart start, Predicate<FeedItem> wanted, Function<Long, List<FeedItem>> backlog,
                                Function<FeedItem, Object> render) {
        return open(start, wanted, backlog, render, null, false);
    }

    /**
     * Opens a subscription to a view: the snapshot at once, then the view as it is now whenever events that concern
     * it were applied. Each is whole, so only the latest is worth sending: one per applied batch at most, fewer to a
     * client that reads slower than they come, and one for a whole backlog; its id is the last event it includes.
     * Sending it after every event had a resuming client rendered and sent the same view up to ten thousand times.
     *
     * @param concerns which items change the view
     * @param view     the view now (read from the database)
     * @throws TooManySubscribers if this instance already holds as many as it may
     */
    public SseEmitter subscribeToView(StreamStart start, Predicate<FeedItem> concerns, Function<Long, List<FeedItem>> backlog,
                                      Supplier<Object> view, Object snapshot) {
        return open(start, concerns, backlog, item -> view.get(), snapshot, true);
    }

    private SseEmitter open(StreamStart start, Predicate<FeedItem> wanted, Function<Long, List<FeedItem>> backlog,
                            Function<FeedItem, Object> render, Object initial, boolean latestOnly) {
        if (subscribers.size() >= maxSubscribers) {
            throw new TooManySubscribers(maxSubscribers);
        }
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber subscriber = new Subscriber(emitter, wanted, render, start.after(), latestOnly);
        subscribers.add(subscriber);
        emitter.onCompletion(subscriber::close);
        emitter.onTimeout(subscriber::close);
        emitter.onError(e -> subscriber.close());
        subscriber.run(() -> subscriber.start(initial, backlog));
        if (start.renumbered()) {
            subscriber.run(subscriber::resync);
        }
        return emitter;
    }

    /** Called once a batch is committed to the views. */
    @Override
    public void applied(List<FeedItem> items) {
        if (items.isEmpty() || subscribers.isEmpty()) {
            return;
        }
        List<FeedItem> copy = List.copyOf(items);
        subscribers.forEach(subscriber -> subscriber.offer(copy));
    }

    /**
     * After a rebuild the feed is numbered anew: every subscriber is told to reload, and is sent every event after
     * this, however its new id compares with the ids of before.
     */
    @Override
    public void viewsReplaced() {
        subscribers.forEach(subscriber -> subscriber.run(subscriber::renumbered));
    }

    private final class Subscriber {

        private final SseEmitter emitter;
        private final Predicate<FeedItem> wanted;
        private final Function<FeedItem, Object> render;
        private final AtomicInteger waiting = new AtomicInteger();
        private final ExecutorService writer;
        private volatile boolean droppedBehind;
        private final AtomicBoolean heartbeatWaiting = new AtomicBoolean();
        /** Only the latest wanted item is sent (a view); it waits here until this subscriber's thread takes it. */
        private final boolean latestOnly;
        private final AtomicReference<FeedItem> latest = new AtomicReference<>();
        private long lastSent;

        Subscriber(SseEmitter emitter, Predicate<FeedItem> wanted, Function<FeedItem, Object> render, long lastEventId,
                   boolean latestOnly) {
            this.emitter = emitter;
            this.latestOnly = latestOnly;
            this.wanted = wanted;
            this.render = render;
            this.lastSent = lastEventId;
            String name = "live-subscriber-" + numbers.incrementAndGet();
            this.writer = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
            });
        }

        /** Runs on this subscriber's thread, after what was queued before. */
        void run(Runnable task) {
            try {
                writer.execute(task);
            } catch (RejectedExecutionException closed) {
                // the subscription has ended
            }
        }

        void start(Object initial, Function<Long, List<FeedItem>> backlog) {
            // a first write commits the response, so that the subscriber knows at once it is connected
            send(SseEmitter.event().comment("subscribed"));
            if (initial != null) {
                send(SseEmitter.event().name("snapshot").data(initial, MediaType.APPLICATION_JSON));
            }
            // the backlog comes a page at a time, until it is exhausted or the most a subscriber is sent went out
            long from = lastSent;
            int sent = 0;
            FeedItem newest = null;
            List<FeedItem> page = backlog.apply(from);
            while (!page.isEmpty() && sent < FeedBacklog.MAX_MISSED) {
                for (FeedItem item : page) {
                    if (sent >= FeedBacklog.MAX_MISSED || item.feedId() <= lastSent || !wanted.test(item)) {
                        continue;
                    }
                    if (latestOnly) {
                        newest = item;
                        sent++;
                    } else if (deliver(item)) {
                        sent++;
                    }
                }
                from = page.get(page.size() - 1).feedId();
                page = sent < FeedBacklog.MAX_MISSED ? backlog.apply(from) : List.of();
            }
            if (newest != null) {
                deliver(newest);
            }
        }

        void offer(List<FeedItem> items) {
            if (droppedBehind) {
                return;
            }
            if (latestOnly) {
                offerLatest(items);
                return;
            }
            int behind = waiting.addAndGet(items.size());
            if (behind > MAX_WAITING) {
                droppedBehind = true;
                subscribers.remove(this);
                log.info("Dropping a live subscriber {} events behind; it resumes from its Last-Event-ID", behind);
                dropped.increment();
                // completed on its own thread, once the write it may be blocked in returns: the emitter's lock is held
                // through a write, and the caller here is the thread that applies the events
                run(() -> {
                    emitter.complete();
                    close();
                });
                return;
            }
            run(() -> {
                for (FeedItem item : items) {
                    if (droppedBehind) {
                        break;
                    }
                    deliver(item);
                }
                waiting.addAndGet(-items.size());
            });
        }

        /** Never behind by more than one view: a newer one replaces the one waiting. */
        private void offerLatest(List<FeedItem> items) {
            FeedItem newest = null;
            for (FeedItem item : items) {
                if (wanted.test(item)) {
                    newest = item;
                }
            }
            if (newest != null && latest.getAndSet(newest) == null) {
                run(() -> {
                    FeedItem item = latest.getAndSet(null);
                    if (item != null) {
                        deliver(item);
                    }
                });
            }
        }

        void resync() {
            send(SseEmitter.event().name("resync").data("views were rebuilt; reload"));
        }

        void renumbered() {
            lastSent = 0;
            resync();
        }

        /** A comment, unless events wait to be written: one at a time, never queued up behind a stalled write. */
        void heartbeat() {
            if (waiting.get() == 0 && heartbeatWaiting.compareAndSet(false, true)) {
                run(() -> {
                    heartbeatWaiting.set(false);
                    send(SseEmitter.event().comment("keepalive"));
                });
            }
        }

        void close() {
            subscribers.remove(this);
            writer.shutdownNow();
        }

        /** Sends the item if the subscriber wants it and has not had it; true if it was sent. */
        private boolean deliver(FeedItem item) {
            if (item.feedId() <= lastSent || !wanted.test(item)) {
                return false;
            }
            Object data;
            renders.acquireUninterruptibly();
            try {
                data = render.apply(item);
            } finally {
                renders.release();
            }
            lastSent = item.feedId();
            if (data == null) {
                return false;
            }
            send(SseEmitter.event().id(Long.toString(item.feedId())).name(item.type()).data(data, MediaType.APPLICATION_JSON));
            return true;
        }

        private void send(SseEmitter.SseEventBuilder event) {
            try {
                emitter.send(event);
            } catch (IOException | IllegalStateException e) {
                log.debug("Dropping a live subscriber: {}", e.toString());
                close();
                try {
                    emitter.completeWithError(e);
                } catch (IllegalStateException over) {
                    // its request has ended already (the server is stopping): there is nothing left to complete
                }
            }
        }
    }
}
