package org.agreementledger.contract;

/** Kafka topics of the public contract. */
public final class LedgerTopics {

    /** Every agreement event, keyed by agreement id, in order per agreement; never truncated. */
    public static final String AGREEMENT_EVENTS = "ledger.agreement-events";
    /**
     * Signed checkpoints of every agreement's chain head, and the transparency log's signed tree heads; one partition,
     * never truncated.
     */
    public static final String CHECKPOINTS = "ledger.checkpoints";
    /** What Kafka accepts as a topic's name (its {@code Topic.validate}: not "." or ".."), as a regular expression. */
    public static final String LEGAL_NAME = "(?!\\.{1,2}$)[a-zA-Z0-9._-]{1,249}";
    /** The header that tells a tree head on {@link #CHECKPOINTS} from a per-agreement checkpoint (which has none). */
    public static final String RECORD_KIND_HEADER = "ledger-record";
    /** {@link #RECORD_KIND_HEADER}'s value on a tree head (a C2SP tlog-checkpoint signed note, as text). */
    public static final String TREE_HEAD = "tlog-checkpoint";

    /** The record key of the tree head of {@code treeSize} leaves. */
    public static String treeHeadKey(long treeSize) {
        return TREE_HEAD + "/" + treeSize;
    }

    private LedgerTopics() {
    }
}
