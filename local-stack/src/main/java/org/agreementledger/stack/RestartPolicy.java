package org.agreementledger.stack;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * When the launcher starts a service that died again, as Docker's {@code restart: unless-stopped} does for the compose
 * stack: at once the first time, then after a wait that doubles with each death in the window, and not at all once it
 * has died {@link #MAX_DEATHS} times within {@link #WINDOW}, when it would only die again (a broken configuration, a
 * migration that fails) and the stack stops instead, loudly.
 */
final class RestartPolicy {

    static final int MAX_DEATHS = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final LongSupplier nanos;
    private final Deque<Long> deaths = new ArrayDeque<>();

    RestartPolicy(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Records a death now; how long to wait before starting the service again, or empty to give up. */
    Optional<Duration> died() {
        long now = nanos.getAsLong();
        while (!deaths.isEmpty() && now - deaths.peekFirst() >= WINDOW.toNanos()) {
            deaths.removeFirst();
        }
        deaths.addLast(now);
        int recent = deaths.size();
        if (recent > MAX_DEATHS) {
            return Optional.empty();
        }
        return Optional.of(recent == 1 ? Duration.ZERO : Duration.ofSeconds(1L << (recent - 2)));
    }
}
