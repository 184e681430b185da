package org.agreementledger.auditor;

import org.agreementledger.contract.CanonicalUuids;
import org.agreementledger.contract.integrity.Sha256;

import java.security.SecureRandom;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One verifying thread's chains by agreement id, in the order the log first named them, each chain an index into
 * arrays rather than objects of its own. A million one-event agreements must fit in the auditor's heap and cost the
 * collector nothing: held as objects (a chain, its hashes' array, its table entry) they were three million objects
 * the collector marked and copied over and over while the log was read, a third of the run's CPU (docs/benchmarks.md
 * run Z21); held here they are a dozen arrays, about 100 bytes per agreement. An id in its canonical form (as the
 * ledger writes every id) is held as its two longs; an id spelled any other way Java still reads as a UUID
 * ({@code 1-1-1-1-1}, upper case) names a different agreement, as it does for every reader comparing ids as recorded,
 * and is kept by its text. The ids come from the log being audited, so whoever wrote it chose them: the slots are
 * found by a hash seeded afresh in each run, so that ids cannot be crafted to share one probe run and make each
 * lookup a scan of the table.
 */
final class ChainTable extends AbstractMap<String, ChainTable.Chain> {

    private static final long SEED = new SecureRandom().nextLong();
    private static final int HASH = 32;
    /** The most chains one table holds: their inline hashes, 32 bytes each, fill one array of at most 1 GiB. */
    static final int MAX_CHAINS = 1 << 25;
    /** The widest gap in a chain held as zero hashes (32 KiB). */
    private static final int MAX_GAP_HELD = 1024;

    /** Per slot, the index of the chain whose id hashes there, plus one; 0 for an empty slot. */
    private int[] slots = new int[1024];
    private final Map<String, Integer> spelledOtherwise = new HashMap<>();
    private int size;

    // per chain, at its index (the order the log first named it)
    /** Its id's two longs (high, low), or zeros for an id spelled otherwise. */
    private long[] ids = new long[2 * 512];
    /** The read index of its first record. */
    private long[] firstSeen = new long[512];
    private long[] events = new long[512];
    /** The sequence of the first hash held in its current range: 0, unless the chain went on after a wide gap. */
    private long[] base = new long[512];
    /** One past the highest sequence held. */
    private long[] known = new long[512];
    /** The hash at {@code base}, while that is the only sequence the range holds: most chains, in a log of offers. */
    private byte[] single = new byte[HASH * 512];
    /** Every hash of the range from {@code base} on, once it holds more than one. */
    private byte[][] several = new byte[512][];
    /** What only a chain that is wrong, or spelled otherwise, needs. */
    private Rare[] rare = new Rare[512];

    /** What a chain holds only when something is wrong with it, or its id is not in canonical form. */
    private static final class Rare {
        String spelled;
        /** What the chain held before each wide gap. */
        List<Range> before;
        TreeMap<Long, ChainShard.Pending> early;
        List<Finding.Kind> breaks;
    }

    /** The hashes of the events {@code base} to {@code end} (exclusive) of a chain. */
    private record Range(long base, long end, byte[] hashes) {
    }

    /** An agreement's history as verified so far: a view of its chain's place in the table. */
    static final class Chain {
        private final ChainTable table;
        private final int index;

        private Chain(ChainTable table, int index) {
            this.table = table;
            this.index = index;
        }

        String agreementId() {
            return table.agreementId(index);
        }

        /** The read index of its first record: agreements are listed in the order the log first names them. */
        long firstSeen() {
            return table.firstSeen[index];
        }

        long events() {
            return table.events[index];
        }

        long lastSequence() {
            return table.known[index] - 1;
        }

        /** The hash of the event at {@code sequence}, if the log holds it in order. */
        Optional<String> hashAt(long sequence) {
            return table.hashAt(index, sequence);
        }

        List<Finding.Kind> breaks() {
            return table.breaks(index);
        }

        void broken(Finding.Kind kind) {
            table.broken(index, kind);
        }
    }

    /** The index of this agreement's chain, or -1. @param canonical the id as {@link CanonicalUuids#parse} reads it */
    int indexOf(String agreementId, UUID canonical) {
        if (canonical == null) {
            Integer index = spelledOtherwise.get(agreementId);
            return index == null ? -1 : index;
        }
        long high = canonical.getMostSignificantBits();
        long low = canonical.getLeastSignificantBits();
        for (int i = slot(high, low); ; i = (i + 1) & (slots.length - 1)) {
            int chain = slots[i] - 1;
            // only ids in canonical form are in the slots
            if (chain < 0 || ids[2 * chain] == high && ids[2 * chain + 1] == low) {
                return chain;
            }
        }
    }

    /** A new chain, for an agreement that has none yet; its index. */
    int add(String agreementId, UUID canonical, long first) {
        int chain = size;
        if (chain == firstSeen.length) {
            grow();
        }
        size++;
        firstSeen[chain] = first;
        if (canonical != null) {
            ids[2 * chain] = canonical.getMostSignificantBits();
            ids[2 * chain + 1] = canonical.getLeastSignificantBits();
            if ((size - spelledOtherwise.size()) * 3L > slots.length * 2L) {
                rehash();
            } else {
                place(chain);
            }
        } else {
            rare(chain).spelled = agreementId;
            spelledOtherwise.put(agreementId, chain);
        }
        return chain;
    }

    /** The chain of this agreement, or null. */
    Chain find(String agreementId) {
        int index = indexOf(agreementId, CanonicalUuids.parse(agreementId));
        return index < 0 ? null : new Chain(this, index);
    }

    private void grow() {
        if (firstSeen.length >= MAX_CHAINS) {
            // the inline hashes' array would pass Java's largest; a heap for so many would be over 3 GB anyway
            throw new IllegalStateException("more than " + MAX_CHAINS + " agreements for one verifying thread: run "
                    + "verify with more --threads");
        }
        int capacity = firstSeen.length * 2;
        ids = Arrays.copyOf(ids, 2 * capacity);
        firstSeen = Arrays.copyOf(firstSeen, capacity);
        events = Arrays.copyOf(events, capacity);
        base = Arrays.copyOf(base, capacity);
        known = Arrays.copyOf(known, capacity);
        single = Arrays.copyOf(single, HASH * capacity);
        several = Arrays.copyOf(several, capacity);
        rare = Arrays.copyOf(rare, capacity);
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        for (int chain = 0; chain < size; chain++) {
            if (isCanonical(chain)) {
                place(chain);
            }
        }
    }

    private void place(int chain) {
        int i = slot(ids[2 * chain], ids[2 * chain + 1]);
        while (slots[i] != 0) {
            i = (i + 1) & (slots.length - 1);
        }
        slots[i] = chain + 1;
    }

    private boolean isCanonical(int chain) {
        return rare[chain] == null || rare[chain].spelled == null;
    }

    private int slot(long high, long low) {
        return (int) (mix(mix(high ^ SEED) + low) >>> 32) & (slots.length - 1);
    }

    /** SplitMix64's finaliser: every bit of the input moves about half of the output's. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The most slots a lookup of a held id steps through: a few, whatever ids the log holds. */
    int longestProbe() {
        int longest = 0;
        for (int chain = 0; chain < size; chain++) {
            if (isCanonical(chain)) {
                int steps = 1;
                for (int i = slot(ids[2 * chain], ids[2 * chain + 1]); slots[i] != chain + 1; i = (i + 1) & (slots.length - 1)) {
                    steps++;
                }
                longest = Math.max(longest, steps);
            }
        }
        return longest;
    }

    String agreementId(int chain) {
        return isCanonical(chain) ? new UUID(ids[2 * chain], ids[2 * chain + 1]).toString() : rare[chain].spelled;
    }

    long known(int chain) {
        return known[chain];
    }

    void counted(int chain) {
        events[chain]++;
    }

    /**
     * Holds the hash of the event at {@code sequence}, which is at or after every one held. A gap of a few events is
     * held as zeros; a wider one (a record claiming sequence 4,000,000,000 of an agreement at #2) would be gigabytes
     * of them, so the chain goes on in a range of its own from there.
     */
    void put(int chain, long sequence, byte[] hash) {
        if (sequence - known[chain] > MAX_GAP_HELD) {
            if (known[chain] > base[chain]) {
                Rare rare = rare(chain);
                if (rare.before == null) {
                    rare.before = new ArrayList<>();
                }
                rare.before.add(new Range(base[chain], known[chain], held(chain)));
            }
            base[chain] = sequence;
            known[chain] = sequence;
            several[chain] = null;
            Arrays.fill(single, chain * HASH, chain * HASH + HASH, (byte) 0);
        }
        int end = Math.toIntExact((sequence - base[chain]) * HASH + HASH);
        byte[] hashes = several[chain];
        if (hashes == null && end == HASH) {
            System.arraycopy(hash, 0, single, chain * HASH, HASH);
        } else {
            if (hashes == null) {
                hashes = new byte[Math.max(end, 2 * HASH)];
                System.arraycopy(single, chain * HASH, hashes, 0, HASH);
            } else if (end > hashes.length) {
                hashes = Arrays.copyOf(hashes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(end, hashes.length * 2L)));
            }
            System.arraycopy(hash, 0, hashes, end - HASH, HASH);
            several[chain] = hashes;
        }
        known[chain] = Math.max(known[chain], sequence + 1);
    }

    /** The hashes of the chain's current range, {@code base} to {@code known}. */
    private byte[] held(int chain) {
        int length = (int) ((known[chain] - base[chain]) * HASH);
        return several[chain] != null ? Arrays.copyOf(several[chain], length)
                : Arrays.copyOfRange(single, chain * HASH, chain * HASH + length);
    }

    /** The hash of the event at {@code sequence}, if the log holds it in order. */
    Optional<String> hashAt(int chain, long sequence) {
        if (sequence < 0 || sequence >= known[chain]) {
            return Optional.empty();
        }
        if (sequence < base[chain]) {
            List<Range> before = rare[chain] == null || rare[chain].before == null ? List.of() : rare[chain].before;
            for (Range range : before) {
                if (sequence >= range.base() && sequence < range.end()) {
                    return hashIn(range.hashes(), (int) ((sequence - range.base()) * HASH));
                }
            }
            return Optional.empty();
        }
        return hashIn(hashes(chain), offset(chain, sequence));
    }

    /** Whether the log holds the event at {@code sequence} in order: {@code hashAt} without building its text. */
    boolean holds(int chain, long sequence) {
        if (sequence < base[chain] || sequence >= known[chain]) {
            return hashAt(chain, sequence).isPresent();
        }
        byte[] hashes = hashes(chain);
        int from = offset(chain, sequence);
        for (int i = from; i < from + HASH; i++) {
            if (hashes[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the event held at {@code sequence} has this digest. */
    boolean hashIs(int chain, long sequence, byte[] digest) {
        if (sequence < base[chain] || sequence >= known[chain]) {
            return hashAt(chain, sequence).map(held -> held.equals(Sha256.toHex(digest))).orElse(false);
        }
        int from = offset(chain, sequence);
        return Arrays.equals(hashes(chain), from, from + HASH, digest, 0, HASH);
    }

    /** The array holding the chain's current range; with {@link #offset}, where a sequence of it is. */
    private byte[] hashes(int chain) {
        return several[chain] != null ? several[chain] : single;
    }

    private int offset(int chain, long sequence) {
        return several[chain] != null ? (int) ((sequence - base[chain]) * HASH) : chain * HASH;
    }

    private static Optional<String> hashIn(byte[] hashes, int from) {
        for (int i = from; i < from + HASH; i++) {
            if (hashes[i] != 0) {
                return Optional.of(Sha256.toHex(Arrays.copyOfRange(hashes, from, from + HASH)));
            }
        }
        return Optional.empty();
    }

    /** The events of this chain read ahead of their predecessor, by sequence; null when there are none. */
    TreeMap<Long, ChainShard.Pending> early(int chain) {
        return rare[chain] == null ? null : rare[chain].early;
    }

    TreeMap<Long, ChainShard.Pending> earlyOrNew(int chain) {
        Rare rare = rare(chain);
        if (rare.early == null) {
            rare.early = new TreeMap<>();
        }
        return rare.early;
    }

    /** Every chain still holding events read ahead of their predecessor, in the order first read. */
    List<Integer> withEarly() {
        List<Integer> chains = new ArrayList<>();
        for (int chain = 0; chain < size; chain++) {
            if (early(chain) != null && !early(chain).isEmpty()) {
                chains.add(chain);
            }
        }
        return chains;
    }

    List<Finding.Kind> breaks(int chain) {
        return rare[chain] == null || rare[chain].breaks == null ? List.of() : rare[chain].breaks;
    }

    void broken(int chain, Finding.Kind kind) {
        Rare rare = rare(chain);
        if (rare.breaks == null) {
            rare.breaks = new ArrayList<>();
        }
        rare.breaks.add(kind);
    }

    long firstSeen(int chain) {
        return firstSeen[chain];
    }

    private Rare rare(int chain) {
        if (rare[chain] == null) {
            rare[chain] = new Rare();
        }
        return rare[chain];
    }

    @Override
    public Chain get(Object agreementId) {
        return agreementId instanceof String id ? find(id) : null;
    }

    @Override
    public boolean containsKey(Object agreementId) {
        return get(agreementId) != null;
    }

    @Override
    public int size() {
        return size;
    }

    /** Every chain, in the order the log first named its agreement. */
    List<Chain> inOrder() {
        return new AbstractList<>() {
            @Override
            public Chain get(int index) {
                return new Chain(ChainTable.this, index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public Collection<Chain> values() {
        return inOrder();
    }

    @Override
    public Set<Entry<String, Chain>> entrySet() {
        return entries(() -> inOrder().iterator(), size);
    }

    /** Chains as map entries, each id's text made only when its entry is reached. */
    static Set<Entry<String, Chain>> entries(Supplier<Iterator<Chain>> chains, int size) {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, Chain>> iterator() {
                Iterator<Chain> each = chains.get();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return each.hasNext();
                    }

                    @Override
                    public Entry<String, Chain> next() {
                        Chain chain = each.next();
                        return Map.entry(chain.agreementId(), chain);
                    }
                };
            }
        };
    }
}
