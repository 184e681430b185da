package org.agreementledger.projection.health;

import org.agreementledger.projection.lag.ProjectionLag;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code DEGRADED} while any event is parked: the views are then missing the held agreements' events, though every
 * other agreement is current. Part of the readiness group (503 there); the overall health and liveness stay UP, so
 * a parked event neither stops the stack nor gets the service restarted. Details: the parked events, the held
 * agreements (the first 100), and the lag per partition (null while the end offsets were never read).
 */
@Component("projection")
class ProjectionHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "events are parked; their agreements are held");
    private static final int LISTED = 100;

    private final ParkedEvents parked;
    private final ProjectionLag lag;

    ProjectionHealthIndicator(ParkedEvents parked, ProjectionLag lag) {
        this.parked = parked;
        this.lag = lag;
    }

    @Override
    public Health health() {
        ParkedEvents.Count count = parked.recount();
        if (count == null) {
            return Health.unknown().withDetail("parkedEvents", "not counted yet: the database did not answer").build();
        }
        long events = count.total();
        List<String> held = count.heldAgreements().stream().limit(LISTED).toList();
        ProjectionLag.State state = lag.state();
        Map<String, Object> lagDetails = new LinkedHashMap<>();
        lagDetails.put("perPartition", state.lag());
        lagDetails.put("endOffsetsReadAt", state.endOffsetsReadAt());
        if (state.kafkaError() != null) {
            lagDetails.put("kafkaError", state.kafkaError() + " (the last known end offsets are shown)");
        }
        if (state.databaseError() != null) {
            lagDetails.put("databaseError", state.databaseError());
        }
        return Health.status(events == 0 ? Status.UP : DEGRADED)
                .withDetail("parkedEvents", events)
                .withDetail("heldAgreements", held)
                .withDetail("lag", lagDetails)
                .build();
    }
}
