package org.agreementledger.contract;

/** Kafka topics of the public contract. */
public final class LedgerTopics {

    /** Every agreement event, keyed by agreement id, in order per agreement; never truncated. */
    public static final String AGREEMENT_EVENTS = "ledger.agreement-events";

    private LedgerTopics() {
    }
}
