package org.agreementledger.ledger.axon;

import java.util.List;
import java.util.Optional;

/**
 * The receipts of the events that the latest command on this thread appended, as the group commit read them right
 * after its commit (one statement for its whole batch). Axon's command bus runs a command on its caller's thread and
 * answers only once its unit of work has committed, so the caller finds them here when its command returns.
 */
public final class Receipts {

    private record Appended(String agreementId, long version, List<LoggedEvent> events) {
    }

    private static final ThreadLocal<Appended> LATEST = new ThreadLocal<>();

    private Receipts() {
    }

    static void remember(String agreementId, List<LoggedEvent> events) {
        LATEST.set(events == null || events.isEmpty() ? null
                : new Appended(agreementId, events.get(events.size() - 1).sequence(), events));
    }

    /**
     * The receipts of the command this thread ran that brought the agreement to this version, if the group commit read
     * them; empty otherwise (group commit off, a replayed answer), and the caller reads them from the log.
     */
    public static Optional<List<LoggedEvent>> take(String agreementId, long version) {
        Appended latest = LATEST.get();
        LATEST.remove();
        return latest != null && latest.agreementId().equals(agreementId) && latest.version() == version
                ? Optional.of(latest.events()) : Optional.empty();
    }
}
