package org.agreementledger.projection.consumer;

/**
 * Updates one family of views from an event. Called inside the transaction that also records the event
 * in the agreement's timeline and moves the consumer position, so a view never sees an event twice.
 */
public interface Projector {

    void apply(AppliedEvent applied);
}
