package org.agreementledger.auditor;

import org.agreementledger.contract.EventHeaders;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * The transparency log's leaves as the events topic carries them: each record's {@code ce_logindex} and the hash it
 * claims ({@code ce_hash}, which the chain check verifies on its own). Held flat, 32 bytes per index, so a million
 * events take 32 MB. A record naming an index another record already holds with a different hash is a conflict.
 */
final class LogLeaves {

    /** An index beyond this many leaves past the records read is not believed (a hostile header must not allocate). */
    private static final long SLACK = 1_000_000;
    private static final HexFormat HEX = HexFormat.of();

    private byte[] hashes = new byte[32 * 1024];
    private final BitSet present = new BitSet();
    /** The first index held: 0, or where an earlier run's saved state ends (verify --since). */
    private final long base;
    private long records;
    private final java.util.List<String> problems = new java.util.ArrayList<>();

    LogLeaves() {
        this(0);
    }

    LogLeaves(long base) {
        this.base = base;
    }

    /** Called by the reading thread for every record of the events topic, in read order. */
    void add(LogRecord record) {
        records++;
        String index = record.header(EventHeaders.LOG_INDEX);
        if (index == null) {
            return;
        }
        String hash = record.header(EventHeaders.HASH);
        long at;
        byte[] leaf;
        try {
            at = Long.parseLong(index);
            leaf = HEX.parseHex(hash == null ? "" : hash);
        } catch (IllegalArgumentException e) {
            problems.add(record.where() + ": unreadable " + EventHeaders.LOG_INDEX + " or " + EventHeaders.HASH);
            return;
        }
        if (at < base) {
            // a leaf an earlier run folded already (verify --since reads from where that run ended)
            return;
        }
        if (at > base + records + SLACK || leaf.length != 32) {
            problems.add(record.where() + ": " + EventHeaders.LOG_INDEX + " " + index + " is out of range or its hash "
                    + "is not 32 bytes");
            return;
        }
        int i = (int) (at - base);
        if ((long) (i + 1) * 32 > hashes.length) {
            hashes = Arrays.copyOf(hashes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) hashes.length * 2,
                    (long) (i + 1) * 32)));
        }
        if (present.get(i)) {
            if (!Arrays.equals(hashes, i * 32, i * 32 + 32, leaf, 0, 32)) {
                problems.add(record.where() + ": log index " + at + " is claimed by two events with different hashes");
            }
            return;
        }
        System.arraycopy(leaf, 0, hashes, i * 32, 32);
        present.set(i);
    }

    /** The index before which every leaf from the base on is present. */
    long contiguous() {
        return base + present.nextClearBit(0);
    }

    long base() {
        return base;
    }

    /** The event hash at this index (present, at or after the base). */
    byte[] eventHash(long index) {
        int i = (int) (index - base);
        return Arrays.copyOfRange(hashes, i * 32, i * 32 + 32);
    }

    boolean any() {
        return !present.isEmpty();
    }

    java.util.List<String> problems() {
        return problems;
    }
}
