package org.agreementledger.projection.health;

import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.agreementledger.projection.lag.ProjectionLag;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the views are current, as {@link ProjectionReadiness} judges it: {@code UP}, {@code DEGRADED} (behind, or
 * events parked) or {@code OUT_OF_SERVICE} (not applying events). Part of the readiness group, where both answer
 * 503; liveness never includes it, so nothing restarts the service for what a restart would not fix. Details: the
 * reasons, the parked events, the held agreements (the first 100), the lag per partition (null while the end offsets
 * were never read) and the consumer's state.
 */
@Component("projection")
class ProjectionHealthIndicator implements HealthIndicator {

    private final ParkedEvents parked;
    private final ProjectionLag lag;
    private final AgreementEventConsumer consumer;
    private final ProjectionReadiness readiness;

    ProjectionHealthIndicator(ParkedEvents parked, ProjectionLag lag, AgreementEventConsumer consumer, ReadinessProperties limits) {
        this.parked = parked;
        this.lag = lag;
        this.consumer = consumer;
        this.readiness = new ProjectionReadiness(limits);
    }

    @Override
    public Health health() {
        ParkedEvents.Count count = parked.recount();
        if (count == null) {
            return Health.unknown().withDetail("parkedEvents", "not counted yet: the database did not answer").build();
        }
        ProjectionLag.State state = lag.state();
        AgreementEventConsumer.State consumerState = consumer.state();
        ProjectionReadiness.Verdict verdict = readiness.judge(consumerState, state, count.total(), Instant.now());

        Map<String, Object> lagDetails = new LinkedHashMap<>();
        lagDetails.put("perPartition", state.lag());
        lagDetails.put("total", state.totalLag());
        lagDetails.put("oldestUnappliedAgeSeconds", Double.isNaN(state.oldestUnappliedAgeSeconds()) ? null : state.oldestUnappliedAgeSeconds());
        lagDetails.put("endOffsetsReadAt", state.endOffsetsReadAt());
        if (!state.laggingWithoutProgressSince().isEmpty()) {
            lagDetails.put("laggingWithoutProgressSince", state.laggingWithoutProgressSince());
        }
        if (state.kafkaError() != null) {
            lagDetails.put("kafkaError", state.kafkaError() + " (the last known end offsets are shown)");
        }
        if (state.databaseError() != null) {
            lagDetails.put("databaseError", state.databaseError());
        }
        Map<String, Object> consumerDetails = new LinkedHashMap<>();
        consumerDetails.put("enabled", consumerState.enabled());
        consumerDetails.put("running", consumerState.threadAlive());
        if (consumerState.failingSince() != null) {
            consumerDetails.put("failingSince", consumerState.failingSince());
            consumerDetails.put("lastFailure", consumerState.lastFailure());
        }
        return Health.status(verdict.status())
                .withDetail("reasons", verdict.reasons())
                .withDetail("parkedEvents", count.total())
                .withDetail("heldAgreements", count.firstHeld())
                .withDetail("lag", lagDetails)
                .withDetail("consumer", consumerDetails)
                .build();
    }
}
