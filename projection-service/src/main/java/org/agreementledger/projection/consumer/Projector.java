package org.agreementledger.projection.consumer;

/**
 * Updates one family of views from an event. Called inside the transaction that also records the event
 * in the agreement's timeline and moves the consumer position, so a view never sees an event twice.
 * Projectors only write, through {@link ViewWrites}, and only rows of the event's own agreement: that is what lets
 * the writes of a whole batch be sent together.
 */
public interface Projector {

    void apply(AppliedEvent applied, ViewWrites writes);
}
