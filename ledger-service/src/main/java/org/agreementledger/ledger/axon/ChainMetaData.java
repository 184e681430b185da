package org.agreementledger.ledger.axon;

/** Metadata keys under which an event's seal into its agreement's hash chain is stored (see docs/audit.md). */
public final class ChainMetaData {

    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TIME = "eventTime";
    public static final String PREVIOUS_HASH = "previousHash";
    public static final String HASH = "hash";
    /** The contract schema version the event was recorded in; upcasting never changes it. */
    public static final String SCHEMA_VERSION = "schemaVersion";

    private ChainMetaData() {
    }
}
