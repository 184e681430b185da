package org.agreementledger.auditor;

/** One thing that does not hold, named so that someone can go and look: kind, agreement, sequence, place. */
record Finding(Kind kind, String agreementId, Long sequence, String where, String detail) {

    enum Kind {
        /** The record's content does not hash to the hash it carries. */
        ALTERED,
        /** The record's previous hash is not the hash of the event before it: that one was replaced, or this inserted. */
        BROKEN_LINK,
        /** A sequence number is absent from the agreement's history. */
        MISSING,
        /** The same event appears twice. */
        DUPLICATED,
        /** Two different events claim the same sequence number. */
        CONFLICTING,
        /** An event appears before its predecessor in the partition. */
        REORDERED,
        /** A record lacks the envelope or a readable body. */
        MALFORMED,
        CHECKPOINT_SIGNATURE_INVALID,
        CHECKPOINT_UNTRUSTED_KEY,
        CHECKPOINT_ROOT_MISMATCH,
        /** The log's event at a checkpointed head has another hash: history before the checkpoint was rewritten. */
        CHECKPOINT_MISMATCH,
        /** The log lacks events a checkpoint names: history was removed or truncated. */
        CHECKPOINT_BEYOND_LOG,
        /** Two events claim one index of the transparency log, or an index cannot be read. */
        LOG_INDEX_CONFLICT,
        TREE_HEAD_SIGNATURE_INVALID,
        /** The log's leaves do not have the root a tree head signs: the log was rewritten. */
        TREE_HEAD_MISMATCH,
        /** A tree head covers leaves the topic does not hold: history was removed or truncated. */
        TREE_HEAD_BEYOND_LOG,
        /** No tree head carries the cosignatures verify was asked to require. */
        TREE_HEAD_NOT_WITNESSED
    }

    @Override
    public String toString() {
        return kind + " " + (agreementId == null ? "-" : agreementId) + (sequence == null ? "" : " #" + sequence)
                + (where == null ? "" : " at " + where) + ": " + detail;
    }
}
