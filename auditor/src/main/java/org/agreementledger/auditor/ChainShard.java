package org.agreementledger.auditor;

import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.contract.integrity.Sha256;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Checks the hash chains of the agreements one verifying thread owns, in the order the log was read: each record's
 * content against its own hash, its link to the event before it, and sequence continuity. Keeps 32 bytes per event,
 * so checkpoints can be checked afterwards. Each finding carries where in the read it arose, so that the findings of
 * all threads merge into the order one thread reading the log would have found them in.
 */
final class ChainShard {

    private final boolean tolerateRedeliveries;
    private final ChainTable chains = new ChainTable();
    private final List<Finding> findings = new ArrayList<>();
    private final List<Long> findingOrder = new ArrayList<>();
    private long redeliveries;
    /** The read index of the record being checked; past every record's once the log has ended. */
    private long reading;
    private Map<String, VerifyState.ChainEnd> ends = Map.of();

    ChainShard(boolean tolerateRedeliveries) {
        this.tolerateRedeliveries = tolerateRedeliveries;
    }

    /** An agreement's history as verified so far. */
    static final class Chain {
        /** The agreement id's two longs; or, for an id not in its canonical form, its text in {@code spelled}. */
        private final long high;
        private final long low;
        private final String spelled;
        /** The read index of its first record: agreements are listed in the order the log first names them. */
        final long firstSeen;
        long events;
        // a million agreements must fit: 32 bytes per event, the rest only when something is wrong
        private byte[] hashes = new byte[32];
        /** The sequence of the first hash in {@code hashes}: 0, unless the chain went on after a wide gap. */
        private long base;
        private long known;
        /** What the chain held before each wide gap; only when events are missing. */
        private List<Range> before;
        private TreeMap<Long, Pending> early;
        private List<Finding.Kind> breaks;

        Chain(long high, long low, String spelled, long firstSeen) {
            this.high = high;
            this.low = low;
            this.spelled = spelled;
            this.firstSeen = firstSeen;
        }

        String agreementId() {
            return spelled != null ? spelled : new UUID(high, low).toString();
        }

        /** Whether this is the chain of the agreement whose canonical id has these two longs. */
        boolean isNamed(long high, long low) {
            return spelled == null && this.high == high && this.low == low;
        }

        long high() {
            return high;
        }

        long low() {
            return low;
        }

        /** The hash of the event at {@code sequence}, if the log holds it in order. */
        Optional<String> hashAt(long sequence) {
            if (sequence < 0 || sequence >= known) {
                return Optional.empty();
            }
            if (sequence < base) {
                for (Range range : before == null ? List.<Range>of() : before) {
                    if (sequence >= range.base() && sequence < range.end()) {
                        return hashIn(range.hashes(), sequence - range.base());
                    }
                }
                return Optional.empty();
            }
            return hashIn(hashes, sequence - base);
        }

        /** Whether the log holds the event at {@code sequence} in order: {@code hashAt} without building its text. */
        boolean holds(long sequence) {
            if (sequence < base || sequence >= known) {
                return hashAt(sequence).isPresent();
            }
            int from = (int) ((sequence - base) * 32);
            for (int i = from; i < from + 32; i++) {
                if (hashes[i] != 0) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the event held at {@code sequence} has this digest. */
        boolean hashIs(long sequence, byte[] digest) {
            if (sequence < base || sequence >= known) {
                return hashAt(sequence).map(held -> held.equals(Sha256.toHex(digest))).orElse(false);
            }
            int from = (int) ((sequence - base) * 32);
            return Arrays.equals(hashes, from, from + 32, digest, 0, 32);
        }

        private static Optional<String> hashIn(byte[] hashes, long index) {
            byte[] hash = Arrays.copyOfRange(hashes, (int) (index * 32), (int) (index * 32 + 32));
            return isZero(hash) ? Optional.empty() : Optional.of(Sha256.toHex(hash));
        }

        long lastSequence() {
            return known - 1;
        }

        List<Finding.Kind> breaks() {
            return breaks == null ? List.of() : breaks;
        }

        void broken(Finding.Kind kind) {
            if (breaks == null) {
                breaks = new ArrayList<>();
            }
            breaks.add(kind);
        }

        private TreeMap<Long, Pending> early() {
            if (early == null) {
                early = new TreeMap<>();
            }
            return early;
        }

        /**
         * Holds the hash of the event at {@code sequence}, which is at or after every one held. A gap of a few events is
         * held as zeros; a wider one (a record claiming sequence 4,000,000,000 of an agreement at #2) would be gigabytes
         * of them, so the chain goes on in a range of its own from there.
         */
        private void put(long sequence, byte[] hash) {
            if (sequence - known > MAX_GAP_HELD) {
                if (known > base) {
                    if (before == null) {
                        before = new ArrayList<>();
                    }
                    before.add(new Range(base, known, Arrays.copyOf(hashes, (int) ((known - base) * 32))));
                }
                base = sequence;
                known = sequence;
                hashes = new byte[32];
            }
            int end = Math.toIntExact((sequence - base) * 32 + 32);
            if (end > hashes.length) {
                hashes = Arrays.copyOf(hashes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(end, hashes.length * 2L)));
            }
            System.arraycopy(hash, 0, hashes, end - 32, 32);
            known = Math.max(known, sequence + 1);
        }

        private static boolean isZero(byte[] hash) {
            for (byte b : hash) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Pending(EventEnvelope envelope, byte[] hash, String where) {
    }

    /** The hashes of the events {@code base} to {@code end} (exclusive) of a chain. */
    private record Range(long base, long end, byte[] hashes) {
    }

    /** The widest gap in a chain held as zero hashes (32 KiB). */
    private static final int MAX_GAP_HELD = 1024;

    /**
     * Where an earlier run left each agreement's chain (verify --since); an agreement's chain is taken up from there
     * when the log names it again, so the many agreements that did not move cost nothing but their entry.
     */
    void continueFrom(Map<String, VerifyState.ChainEnd> ends) {
        this.ends = ends;
    }

    void accept(LogRecord record, long readIndex) {
        reading = readIndex;
        EventEnvelope envelope;
        try {
            envelope = EventEnvelope.fromHeaders(record.headers());
        } catch (RuntimeException e) {
            report(Finding.Kind.MALFORMED, record.key(), null, record.where(), e.getMessage());
            return;
        }
        String agreementId = envelope.agreementId().value();
        Chain chain = chains.find(agreementId);
        if (chain == null) {
            chain = chains.add(agreementId, readIndex);
            VerifyState.ChainEnd end = ends.get(agreementId);
            if (end != null) {
                chain.put(end.sequence(), Sha256.fromHex(end.hash()));
            }
        }
        if (!agreementId.equals(record.key())) {
            report(Finding.Kind.MALFORMED, agreementId, envelope.sequence(), record.where(),
                    "record key " + record.key() + " is not its subject " + agreementId);
        }
        if (envelope.hash().isEmpty()) {
            report(Finding.Kind.MALFORMED, agreementId, envelope.sequence(), record.where(),
                    "no " + EventHeaders.HASH + " header: the event is not sealed into a chain");
            return;
        }
        String claimed = envelope.hash().get();
        byte[] hash = Sha256.parseDigest(claimed);
        if (hash == null) {
            report(Finding.Kind.MALFORMED, agreementId, envelope.sequence(), record.where(), "hash is not SHA-256 hex: " + claimed);
            return;
        }
        try {
            if (!EventChain.isSealedAs(envelope, record.body(), hash)) {
                String computed = EventChain.hashOf(envelope, record.body());
                report(Finding.Kind.ALTERED, agreementId, envelope.sequence(), record.where(),
                        "its content hashes to " + shortHash(computed) + ", not to the " + shortHash(claimed) + " it carries");
            }
        } catch (RuntimeException e) {
            report(Finding.Kind.MALFORMED, agreementId, envelope.sequence(), record.where(), "unreadable body: " + e.getMessage());
            return;
        }
        chain.events++;
        long sequence = envelope.sequence();
        if (sequence == chain.known) {
            link(chain, envelope, hash, record);
            drain(chain);
        } else if (sequence > chain.known) {
            Pending earlier = chain.early().putIfAbsent(sequence, new Pending(envelope, hash, record.where()));
            if (earlier != null) {
                repeated(chain, envelope, earlier.envelope().hash().orElseThrow(), earlier.where(), record.where());
            }
        } else {
            Optional<String> first = chain.hashAt(sequence);
            repeated(chain, envelope, first.orElse(""), "an earlier offset", record.where());
        }
    }

    private void repeated(Chain chain, EventEnvelope envelope, String firstHash, String firstWhere, String where) {
        if (firstHash.equals(envelope.hash().orElseThrow())) {
            if (tolerateRedeliveries) {
                redeliveries++;
                return;
            }
            report(chain, Finding.Kind.DUPLICATED, envelope.sequence(), where,
                    "the same event (" + envelope.eventId() + ") appears again; first at " + firstWhere);
        } else {
            report(chain, Finding.Kind.CONFLICTING, envelope.sequence(), where,
                    "a different event claims this sequence, already held by " + shortHash(firstHash) + " at " + firstWhere);
        }
    }

    /** @param at the record, or where it was read (the place is spelled out only when something is reported) */
    private void link(Chain chain, EventEnvelope envelope, byte[] hash, Object at) {
        long sequence = envelope.sequence();
        if (sequence == 0) {
            if (envelope.previousHash().isPresent()) {
                report(chain, Finding.Kind.BROKEN_LINK, 0L, where(at), "the first event of an agreement names a previous hash");
            }
        } else if (chain.holds(sequence - 1)) {
            byte[] previous = Sha256.parseDigest(envelope.previousHash().orElse(null));
            if (previous == null || !chain.hashIs(sequence - 1, previous)) {
                report(chain, Finding.Kind.BROKEN_LINK, sequence, where(at), "its previous hash "
                        + envelope.previousHash().map(ChainShard::shortHash).orElse("(none)") + " is not the hash "
                        + shortHash(chain.hashAt(sequence - 1).orElseThrow()) + " of #" + (sequence - 1) + ": #"
                        + (sequence - 1) + " was altered or replaced, or this event was inserted");
            }
        }
        chain.put(sequence, hash);
    }

    private void drain(Chain chain) {
        while (chain.early != null && !chain.early.isEmpty() && chain.early.firstKey() == chain.known) {
            Pending next = chain.early.pollFirstEntry().getValue();
            report(chain, Finding.Kind.REORDERED, next.envelope().sequence(), next.where(),
                    "it appears before #" + (next.envelope().sequence() - 1) + " in its partition");
            link(chain, next.envelope(), next.hash(), next.where());
        }
    }

    private static String where(Object at) {
        return at instanceof LogRecord record ? record.where() : (String) at;
    }

    /** Whatever is still waiting for a predecessor at the end of the log has a gap before it. */
    void finish() {
        for (Chain chain : chains.inOrder()) {
            // after every record's findings, in the order the agreements were first read
            reading = Long.MAX_VALUE / 2 + chain.firstSeen;
            while (chain.early != null && !chain.early.isEmpty()) {
                long first = chain.early.firstKey();
                report(chain, Finding.Kind.MISSING, chain.known, chain.early.firstEntry().getValue().where(),
                        (first - chain.known == 1 ? "#" + chain.known + " is" : "#" + chain.known + "..#" + (first - 1) + " are")
                                + " absent: " + (chain.known == 0 ? "the history starts at #" + first
                                : "the history jumps from #" + (chain.known - 1) + " to #" + first));
                Pending next = chain.early.pollFirstEntry().getValue();
                chain.put(next.envelope().sequence(), next.hash());
                drain(chain);
            }
        }
    }

    ChainTable chains() {
        return chains;
    }

    List<Finding> findings() {
        return findings;
    }

    /** Per finding, where in the read it arose. */
    List<Long> findingOrder() {
        return findingOrder;
    }

    long redeliveries() {
        return redeliveries;
    }

    private void report(Finding.Kind kind, String agreementId, Long sequence, String where, String detail) {
        Chain chain = agreementId == null ? null : chains.find(agreementId);
        if (chain != null) {
            chain.broken(kind);
        }
        findings.add(new Finding(kind, agreementId, sequence, where, detail));
        findingOrder.add(reading);
    }

    private void report(Chain chain, Finding.Kind kind, Long sequence, String where, String detail) {
        chain.broken(kind);
        findings.add(new Finding(kind, chain.agreementId(), sequence, where, detail));
        findingOrder.add(reading);
    }

    private static String shortHash(String hash) {
        return ChainVerifier.shortHash(hash);
    }
}
