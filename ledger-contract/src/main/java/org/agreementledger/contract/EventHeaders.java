package org.agreementledger.contract;

/**
 * Kafka record headers of an agreement event, in CloudEvents 1.0 Kafka binary mode: the body is
 * the event's JSON, the attributes travel as {@code ce_}-prefixed headers with UTF-8 string values.
 */
public final class EventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    /** The event's id, unique in the ledger; a consumer seeing it twice has seen a redelivery. */
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    /** The event type, e.g. {@code AgreementOffered}; see {@link EventTypes}. */
    public static final String TYPE = "ce_type";
    /** The agreement id, also the record key. */
    public static final String SUBJECT = "ce_subject";
    /** When the ledger appended the event, RFC 3339. */
    public static final String TIME = "ce_time";
    /** Position of the event in its agreement's history: 0, 1, 2, … without gaps. */
    public static final String SEQUENCE = "ce_sequence";
    /** Version of the event's JSON shape. */
    public static final String SCHEMA_VERSION = "ce_schemaversion";
    public static final String CORRELATION_ID = "ce_correlationid";
    public static final String CAUSATION_ID = "ce_causationid";
    /** Who caused the event: the principal of the verified token (absent for the ledger's own events). */
    public static final String PRINCIPAL = "ce_principal";
    /** The country the caller acted for (absent for the ledger's own events). */
    public static final String COUNTRY = "ce_country";
    /** SHA-256 (hex) of the previous event of the same agreement; absent on sequence 0. See docs/audit.md. */
    public static final String PREVIOUS_HASH = "ce_previoushash";
    /** SHA-256 (hex) of this event: its canonical envelope and payload, previous hash included. */
    public static final String HASH = "ce_hash";
    /**
     * CloudEvents distributed-tracing extension: the W3C trace context of the ledger's publication of the event, a
     * child of the request that caused it. Absent on events recorded before tracing and while tracing is off. Not an
     * attribute of the event: it is not in {@link EventEnvelope} and not covered by {@link #HASH}.
     */
    public static final String TRACEPARENT = "ce_traceparent";
    /** The W3C {@code tracestate} that goes with {@link #TRACEPARENT}, when the trace has one. */
    public static final String TRACESTATE = "ce_tracestate";
    /**
     * The event's index in the ledger's transparency log (docs/audit.md), decimal: where its hash is a leaf of the
     * tree the signed tree heads cover. Assigned when the event's transaction commits, so not covered by {@link #HASH};
     * the tree heads cover it instead. Absent on events recorded before the log.
     */
    public static final String LOG_INDEX = "ce_logindex";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String SOURCE_VALUE = "/agreement-ledger/ledger-service";
    public static final String JSON = "application/json";

    private EventHeaders() {
    }

    /**
     * The record header carrying a W3C trace-context field, as tracing libraries name the fields they inject and
     * extract ({@code traceparent}, {@code tracestate}), or null for any other field (B3, baggage): those are not
     * carried on events.
     */
    public static String ofTraceContextField(String field) {
        return switch (field) {
            case "traceparent" -> TRACEPARENT;
            case "tracestate" -> TRACESTATE;
            default -> null;
        };
    }
}
