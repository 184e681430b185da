package org.agreementledger.projection.support;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Projector;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A projector with a bug a test can switch on: it fails on one event of one agreement, after writing to that
 * agreement's view, so a test also sees whether the partial write is undone. Every test context has it; it does
 * nothing unless told to fail.
 */
public class FaultyProjector implements Projector {

    public static final String HALF_APPLIED = "half-applied";
    private static final Map<String, Long> FAULTS = new ConcurrentHashMap<>();

    private final JdbcTemplate jdbc;

    FaultyProjector(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public static void failAt(AgreementId agreementId, long sequence) {
        FAULTS.put(agreementId.value(), sequence);
    }

    /** The fix is deployed. */
    public static void fixAll() {
        FAULTS.clear();
    }

    @Override
    public void apply(AppliedEvent applied) {
        String agreementId = applied.envelope().agreementId().value();
        Long failing = FAULTS.get(agreementId);
        if (failing != null && failing == applied.envelope().sequence()) {
            jdbc.update("UPDATE agreement_view SET title = ? WHERE agreement_id = ?", HALF_APPLIED, agreementId);
            throw new IllegalStateException("injected fault: event " + failing + " of " + agreementId);
        }
    }
}
