package org.agreementledger.ledger.axon;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events the current thread's last command appended, with the leaves the transparency log gave them: the group
 * commit reads the leaves once for its whole batch, so that a command's receipt needs no query of its own (run Z34 in
 * docs/benchmarks.md). Only for a command whose sender said it will take them ({@link #expect()}): an in-process
 * command answers no receipts. A thread keeps only its last command's, and only until it is taken.
 */
public final class LastAppend {

    /** What a receipt is made of: an event's sequence in its agreement, its hash and its leaf. */
    public interface Receipt<T> {
        T of(long sequence, String hash, long leaf);
    }

    /** What a thread holds: this marker from {@link #expect()} to its command's append, then its LastAppend. */
    private static final Object EXPECTED = new Object();
    private static final ThreadLocal<Object> LAST = new ThreadLocal<>();

    private final String agreementId;
    private final long[] sequences;
    private final String[] hashes;
    private final long[] leaves;

    private LastAppend(String agreementId, long[] sequences, String[] hashes, long[] leaves) {
        this.agreementId = agreementId;
        this.sequences = sequences;
        this.hashes = hashes;
        this.leaves = leaves;
    }

    /** The command this thread sends next will take its receipts: its commit is to read them. */
    public static void expect() {
        LAST.set(EXPECTED);
    }

    /** Whether the command appending on this thread will take its receipts. */
    static boolean expected() {
        return LAST.get() == EXPECTED;
    }

    /** Forgets what this thread appended before: called as a command's append begins. */
    static void forget() {
        LAST.remove();
    }

    /** Remembers a command's committed events of one agreement and their leaves (null: not known). */
    static void remember(List<? extends EventMessage<?>> events, long[] leaves) {
        if (leaves == null || events.isEmpty() || !(events.get(0) instanceof DomainEventMessage<?> first)) {
            return;
        }
        long[] sequences = new long[events.size()];
        String[] hashes = new String[events.size()];
        for (int i = 0; i < sequences.length; i++) {
            if (!(events.get(i) instanceof DomainEventMessage<?> event)
                    || !first.getAggregateIdentifier().equals(event.getAggregateIdentifier())
                    || !(event.getMetaData().get(ChainMetaData.HASH) instanceof String hash)) {
                return;
            }
            sequences[i] = event.getSequenceNumber();
            hashes[i] = hash;
        }
        LAST.set(new LastAppend(first.getAggregateIdentifier(), sequences, hashes, leaves));
    }

    /**
     * The receipts of the events this thread's last command appended, if they end at this version of this agreement;
     * empty otherwise (then the caller reads them from the log). Forgets them either way.
     */
    public static <T> Optional<List<T>> take(String agreementId, long version, Receipt<T> receipt) {
        Object held = LAST.get();
        LAST.remove();
        if (!(held instanceof LastAppend last) || !last.agreementId.equals(agreementId)
                || last.sequences[last.sequences.length - 1] != version) {
            return Optional.empty();
        }
        List<T> receipts = new ArrayList<>(last.sequences.length);
        for (int i = 0; i < last.sequences.length; i++) {
            receipts.add(receipt.of(last.sequences[i], last.hashes[i], last.leaves[i]));
        }
        return Optional.of(receipts);
    }
}
