package org.agreementledger.contract;

/** Kafka topics of the public contract. */
public final class LedgerTopics {

    /** Every agreement event, keyed by agreement id, in order per agreement; never truncated. */
    public static final String AGREEMENT_EVENTS = "ledger.agreement-events";
    /** Signed checkpoints of every agreement's chain head; one partition, never truncated. */
    public static final String CHECKPOINTS = "ledger.checkpoints";

    private LedgerTopics() {
    }
}
