package org.agreementledger.projection.health;

import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.lag.ProjectionLag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionReadinessTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final ProjectionReadiness readiness =
            new ProjectionReadiness(new ReadinessProperties(1000, Duration.ofSeconds(60), Duration.ofSeconds(60)));
    private final AgreementEventConsumer.State applying = new AgreementEventConsumer.State(true, true, null, null);

    @Test
    void aCaughtUpProjectionIsReady() {
        assertThat(readiness.judge(applying, lag(0, 0, Map.of()), 0, NOW).status()).isEqualTo(Status.UP);
    }

    @Test
    void aDeadConsumerThreadPutsTheProjectionOutOfService() {
        var verdict = readiness.judge(new AgreementEventConsumer.State(true, false, null, null), lag(0, 0, Map.of()), 0, NOW);
        assertThat(verdict.status()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(verdict.reasons()).containsExactly("the consumer thread is not running");
    }

    @Test
    void aProjectionWhoseConsumerIsSwitchedOffIsNotOutOfServiceForIt() {
        var verdict = readiness.judge(new AgreementEventConsumer.State(false, false, null, null), lag(0, 0, Map.of()), 0, NOW);
        assertThat(verdict.status()).isEqualTo(Status.UP);
    }

    @Test
    void batchesThatKeepFailingPutTheProjectionOutOfService() {
        var failing = new AgreementEventConsumer.State(true, true, NOW.minusSeconds(5), "connection refused");
        var verdict = readiness.judge(failing, lag(3, 2, Map.of()), 0, NOW);
        assertThat(verdict.status()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(verdict.reasons()).singleElement().asString().contains("connection refused");
    }

    @Test
    void aLaggingPartitionWithoutProgressForTheStallTimeIsOutOfServiceButNotBefore() {
        assertThat(readiness.judge(applying, lag(5, 2, Map.of(3, NOW.minusSeconds(59))), 0, NOW).status()).isEqualTo(Status.UP);
        var verdict = readiness.judge(applying, lag(5, 2, Map.of(3, NOW.minusSeconds(60))), 0, NOW);
        assertThat(verdict.status()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(verdict.reasons()).singleElement().asString().startsWith("partition 3 has lagged without progress for 60 s");
    }

    @Test
    void moreWaitingRecordsThanTheThresholdDegradeTheProjection() {
        assertThat(readiness.judge(applying, lag(1000, 1, Map.of()), 0, NOW).status()).isEqualTo(Status.UP);
        var verdict = readiness.judge(applying, lag(1001, 1, Map.of()), 0, NOW);
        assertThat(verdict.status()).isEqualTo(ProjectionReadiness.DEGRADED);
        assertThat(verdict.reasons()).containsExactly("1001 records wait to be applied (projection.readiness.max-lag 1000)");
    }

    @Test
    void anOldUnappliedRecordDegradesTheProjection() {
        var verdict = readiness.judge(applying, lag(1, 61, Map.of()), 0, NOW);
        assertThat(verdict.status()).isEqualTo(ProjectionReadiness.DEGRADED);
        assertThat(verdict.reasons()).singleElement().asString().startsWith("the oldest unapplied record has waited 61 s");
    }

    @Test
    void parkedEventsDegradeTheProjection() {
        var verdict = readiness.judge(applying, lag(0, 0, Map.of()), 2, NOW);
        assertThat(verdict.status()).isEqualTo(ProjectionReadiness.DEGRADED);
        assertThat(verdict.reasons()).containsExactly("2 events are parked; their agreements are held");
    }

    @Test
    void notApplyingOutranksBeingBehindAndEveryReasonIsListed() {
        var verdict = readiness.judge(applying, lag(5000, 120, Map.of(0, NOW.minusSeconds(600))), 1, NOW);
        assertThat(verdict.status()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(verdict.reasons()).hasSize(4);
    }

    private static ProjectionLag.State lag(long total, double oldestAgeSeconds, Map<Integer, Instant> stuck) {
        return new ProjectionLag.State(Map.of(0, total), NOW, null, null, oldestAgeSeconds, stuck);
    }
}
