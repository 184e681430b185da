package org.agreementledger.projection.support;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Projector;
import org.agreementledger.projection.consumer.ViewWrites;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A projector with a bug a test can switch on: it fails on one event of one agreement, after writing to that
 * agreement's view, so a test also sees whether the partial write is undone. It can also be told to stall a
 * rebuild's replay at one event, so a test acts while the rebuild runs. Every test context has it; it does nothing
 * unless told to.
 */
public class FaultyProjector implements Projector {

    public static final String HALF_APPLIED = "half-applied";
    private static final Map<String, Long> FAULTS = new ConcurrentHashMap<>();
    private static final Map<String, Stall> STALLS = new ConcurrentHashMap<>();

    /** A rebuild held at one event: {@code reached} once it gets there, and it goes on when {@code released}. */
    public record Stall(long sequence, CountDownLatch reached, CountDownLatch released) {
    }

    private final JdbcTemplate jdbc;

    FaultyProjector(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public static void failAt(AgreementId agreementId, long sequence) {
        FAULTS.put(agreementId.value(), sequence);
    }

    /** Stalls the next rebuild's replay (never the live views) at this event until the stall is released. */
    public static Stall stallRebuildAt(AgreementId agreementId, long sequence) {
        Stall stall = new Stall(sequence, new CountDownLatch(1), new CountDownLatch(1));
        STALLS.put(agreementId.value(), stall);
        return stall;
    }

    /** The fix is deployed. */
    public static void fixAll() {
        FAULTS.clear();
    }

    @Override
    public void apply(AppliedEvent applied, ViewWrites writes) {
        String agreementId = applied.envelope().agreementId().value();
        Stall stall = STALLS.get(agreementId);
        if (stall != null && stall.sequence() == applied.envelope().sequence()
                && "views_rebuild".equals(jdbc.queryForObject("SELECT current_schema()", String.class))) {
            STALLS.remove(agreementId);
            stall.reached().countDown();
            try {
                stall.released().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Long failing = FAULTS.get(agreementId);
        if (failing != null && failing == applied.envelope().sequence()) {
            writes.update("UPDATE agreement_view SET title = ? WHERE agreement_id = ?", HALF_APPLIED, agreementId);
            throw new IllegalStateException("injected fault: event " + failing + " of " + agreementId);
        }
    }
}
