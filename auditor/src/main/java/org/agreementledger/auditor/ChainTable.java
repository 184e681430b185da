package org.agreementledger.auditor;

import org.agreementledger.contract.CanonicalUuids;

import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One verifying thread's chains by agreement id, in the order the log first named them. A million one-event
 * agreements must fit in the auditor's heap and be found fast, so an id in its canonical form (as the ledger writes
 * every id) is held as its two longs inside the chain, in an open-addressing table of chains: about 30 bytes per
 * agreement instead of the 130 a {@code LinkedHashMap} entry with its key string takes. An id spelled any other way
 * Java still reads as a UUID ({@code 1-1-1-1-1}, upper case) names a different agreement, as it does for every reader
 * comparing ids as recorded, and is kept by its text. The ids come from the log being audited, so whoever wrote it
 * chose them: the slots are found by a hash seeded afresh in each run, so that ids cannot be crafted to share one
 * probe run and make each lookup a scan of the table.
 */
final class ChainTable extends AbstractMap<String, ChainShard.Chain> {

    private static final long SEED = new SecureRandom().nextLong();

    private ChainShard.Chain[] slots = new ChainShard.Chain[1024];
    private final Map<String, ChainShard.Chain> spelledOtherwise = new HashMap<>();
    private final List<ChainShard.Chain> inOrder = new ArrayList<>();

    /** The chain of this agreement, or null. */
    ChainShard.Chain find(String agreementId) {
        UUID id = CanonicalUuids.parse(agreementId);
        if (id == null) {
            return spelledOtherwise.get(agreementId);
        }
        long high = id.getMostSignificantBits();
        long low = id.getLeastSignificantBits();
        for (int i = slot(high, low); ; i = (i + 1) & (slots.length - 1)) {
            ChainShard.Chain chain = slots[i];
            if (chain == null || chain.isNamed(high, low)) {
                return chain;
            }
        }
    }

    /** A new chain, for an agreement that has none yet. */
    ChainShard.Chain add(String agreementId, long firstSeen) {
        ChainShard.Chain chain;
        UUID id = CanonicalUuids.parse(agreementId);
        if (id != null) {
            chain = new ChainShard.Chain(id.getMostSignificantBits(), id.getLeastSignificantBits(), null, firstSeen);
            if ((inOrder.size() - spelledOtherwise.size() + 1) * 3L > slots.length * 2L) {
                grow();
            }
            place(chain);
        } else {
            chain = new ChainShard.Chain(0, 0, agreementId, firstSeen);
            spelledOtherwise.put(agreementId, chain);
        }
        inOrder.add(chain);
        return chain;
    }

    private void grow() {
        ChainShard.Chain[] old = slots;
        slots = new ChainShard.Chain[old.length * 2];
        for (ChainShard.Chain chain : old) {
            if (chain != null) {
                place(chain);
            }
        }
    }

    private void place(ChainShard.Chain chain) {
        int i = slot(chain.high(), chain.low());
        while (slots[i] != null) {
            i = (i + 1) & (slots.length - 1);
        }
        slots[i] = chain;
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
        for (ChainShard.Chain chain : inOrder) {
            if (chain.isNamed(chain.high(), chain.low())) { // held in the slots, not by its text
                int steps = 1;
                for (int i = slot(chain.high(), chain.low()); slots[i] != chain; i = (i + 1) & (slots.length - 1)) {
                    steps++;
                }
                longest = Math.max(longest, steps);
            }
        }
        return longest;
    }

    @Override
    public ChainShard.Chain get(Object agreementId) {
        return agreementId instanceof String id ? find(id) : null;
    }

    @Override
    public boolean containsKey(Object agreementId) {
        return get(agreementId) != null;
    }

    @Override
    public int size() {
        return inOrder.size();
    }

    /** Every chain, in the order the log first named its agreement. */
    List<ChainShard.Chain> inOrder() {
        return inOrder;
    }

    @Override
    public Collection<ChainShard.Chain> values() {
        return Collections.unmodifiableList(inOrder);
    }

    @Override
    public Set<Entry<String, ChainShard.Chain>> entrySet() {
        return entries(inOrder::iterator, inOrder.size());
    }

    /** Chains as map entries, each id's text made only when its entry is reached. */
    static Set<Entry<String, ChainShard.Chain>> entries(Supplier<Iterator<ChainShard.Chain>> chains, int size) {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, ChainShard.Chain>> iterator() {
                Iterator<ChainShard.Chain> each = chains.get();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return each.hasNext();
                    }

                    @Override
                    public Entry<String, ChainShard.Chain> next() {
                        ChainShard.Chain chain = each.next();
                        return Map.entry(chain.agreementId(), chain);
                    }
                };
            }
        };
    }
}
