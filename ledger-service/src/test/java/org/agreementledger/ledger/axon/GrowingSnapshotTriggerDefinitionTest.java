package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GrowingSnapshotTriggerDefinitionTest {

    @Test
    void aSnapshotComesEveryHundredEventsAtFirstThenAfterATenthOfTheHistorySoItsCostPerEventStaysTheSame() {
        List<Long> snapshotsAt = new ArrayList<>();
        long[] sequence = {0};
        SnapshotTrigger trigger = new GrowingSnapshotTriggerDefinition(
                (type, id) -> snapshotsAt.add(sequence[0]), 100).prepareTrigger(Object.class);
        trigger.initializationFinished();

        for (; sequence[0] < 100_000; sequence[0]++) {
            trigger.eventHandled(new GenericDomainEventMessage<>("Agreement", "a", sequence[0], "event"));
        }

        assertThat(snapshotsAt).startsWith(99L, 199L, 299L);
        for (int i = 1; i < snapshotsAt.size(); i++) {
            long interval = snapshotsAt.get(i) - snapshotsAt.get(i - 1);
            assertThat(interval).as("after event %d", snapshotsAt.get(i - 1))
                    .isEqualTo(Math.max(100, snapshotsAt.get(i) / 10));
        }
        assertThat(snapshotsAt).as("about 54: what all of them write adds up to some ten times the last one")
                .hasSizeBetween(45, 60);
    }

    @Test
    void anAgreementLoadedFromItsSnapshotCountsOnFromThere() {
        List<Long> snapshotsAt = new ArrayList<>();
        long[] sequence = {49_999};
        SnapshotTrigger loaded = new GrowingSnapshotTriggerDefinition(
                (type, id) -> snapshotsAt.add(sequence[0]), 100).prepareTrigger(Object.class);
        // the snapshot taken at event 49,999, then the events recorded since
        loaded.eventHandled(new GenericDomainEventMessage<>("Agreement", "a", sequence[0], "snapshot"));
        for (sequence[0]++; sequence[0] < 52_000; sequence[0]++) {
            loaded.eventHandled(new GenericDomainEventMessage<>("Agreement", "a", sequence[0], "event"));
        }
        loaded.initializationFinished();
        for (; snapshotsAt.isEmpty() && sequence[0] < 60_000; sequence[0]++) {
            loaded.eventHandled(new GenericDomainEventMessage<>("Agreement", "a", sequence[0], "event"));
        }

        // the next one when the events since the snapshot (the snapshot counted) reach a tenth of the history
        assertThat(snapshotsAt).containsExactly(55_553L);
    }
}
