package org.agreementledger.projection.health;

import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.lag.ProjectionLag;
import org.springframework.boot.actuate.health.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rule deciding whether the views may be served as current. Not applying events at all is
 * {@link Status#OUT_OF_SERVICE}: the consumer is meant to run and its thread died, its batches keep failing, or a
 * lagging partition has made no progress for {@code stallAfter} (the stored positions are shared, so another
 * instance applying them counts as progress). Applying but behind, or holding parked events, is {@link #DEGRADED}.
 * Each reason is named so that an operator reads why.
 */
final class ProjectionReadiness {

    static final Status DEGRADED = new Status("DEGRADED", "the views are behind or hold parked events");

    record Verdict(Status status, List<String> reasons) {
    }

    private final ReadinessProperties limits;

    ProjectionReadiness(ReadinessProperties limits) {
        this.limits = limits;
    }

    Verdict judge(AgreementEventConsumer.State consumer, ProjectionLag.State lag, long parkedEvents, Instant now) {
        List<String> outOfService = new ArrayList<>();
        if (consumer.enabled() && !consumer.threadAlive()) {
            outOfService.add("the consumer thread is not running");
        }
        if (consumer.failingSince() != null) {
            outOfService.add("applying events has failed since " + consumer.failingSince() + ": " + consumer.lastFailure());
        }
        for (Map.Entry<Integer, Instant> partition : lag.laggingWithoutProgressSince().entrySet()) {
            Duration stuck = Duration.between(partition.getValue(), now);
            if (stuck.compareTo(limits.stallAfter()) >= 0) {
                outOfService.add("partition " + partition.getKey() + " has lagged without progress for "
                        + stuck.toSeconds() + " s (projection.readiness.stall-after " + limits.stallAfter().toSeconds() + " s)");
            }
        }
        List<String> degraded = new ArrayList<>();
        if (parkedEvents > 0) {
            degraded.add(parkedEvents + " events are parked; their agreements are held");
        }
        long total = lag.totalLag();
        if (total > limits.maxLag()) {
            degraded.add(total + " records wait to be applied (projection.readiness.max-lag " + limits.maxLag() + ")");
        }
        double age = lag.oldestUnappliedAgeSeconds();
        if (!Double.isNaN(age) && age > limits.maxOldestUnappliedAge().toMillis() / 1000.0) {
            degraded.add("the oldest unapplied record has waited " + Math.round(age) + " s (projection.readiness.max-oldest-unapplied-age "
                    + limits.maxOldestUnappliedAge().toSeconds() + " s)");
        }
        List<String> reasons = new ArrayList<>(outOfService);
        reasons.addAll(degraded);
        Status status = !outOfService.isEmpty() ? Status.OUT_OF_SERVICE : !degraded.isEmpty() ? DEGRADED : Status.UP;
        return new Verdict(status, reasons);
    }
}
