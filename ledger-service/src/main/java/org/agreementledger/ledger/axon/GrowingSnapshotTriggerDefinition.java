package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.AbstractSnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTrigger;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;

/**
 * A snapshot after {@code minimum} events, or after a tenth of the aggregate's history if that is more. A snapshot
 * holds the whole state, which grows with the history (an agreement's transfers), and taking one reads the previous
 * one and writes the new: at a fixed interval its cost per command grew with the history (11.5 MB every 100 commands
 * at 48,000 transfers, and the ledger spent a third of its time in full collections; docs/benchmarks.md, run Z7). At a
 * tenth, a snapshot costs each command the same at any length, and a load replays at most a tenth of the history
 * after the snapshot.
 */
public final class GrowingSnapshotTriggerDefinition implements SnapshotTriggerDefinition {

    static final int SHARE_OF_HISTORY = 10;

    private final Snapshotter snapshotter;
    private final int minimum;

    public GrowingSnapshotTriggerDefinition(Snapshotter snapshotter, int minimum) {
        this.snapshotter = snapshotter;
        this.minimum = minimum;
    }

    @Override
    public SnapshotTrigger prepareTrigger(Class<?> aggregateType) {
        return new Trigger(snapshotter, aggregateType, minimum);
    }

    @Override
    public SnapshotTrigger reconfigure(Class<?> aggregateType, SnapshotTrigger trigger) {
        if (trigger instanceof Trigger growing) {
            growing.setSnapshotter(snapshotter);
            return growing;
        }
        return prepareTrigger(aggregateType);
    }

    static final class Trigger extends AbstractSnapshotTrigger {

        private final int minimum;
        private int eventsSinceSnapshot;
        private long sequence;

        Trigger(Snapshotter snapshotter, Class<?> aggregateType, int minimum) {
            super(snapshotter, aggregateType);
            this.minimum = minimum;
        }

        @Override
        public void eventHandled(EventMessage<?> message) {
            if (message instanceof DomainEventMessage<?> event) {
                sequence = event.getSequenceNumber();
            }
            super.eventHandled(message);
        }

        @Override
        protected boolean exceedsThreshold() {
            return ++eventsSinceSnapshot >= Math.max(minimum, sequence / SHARE_OF_HISTORY);
        }

        @Override
        protected void reset() {
            eventsSinceSnapshot = 0;
        }
    }
}
