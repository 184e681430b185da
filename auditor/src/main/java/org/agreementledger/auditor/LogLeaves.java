package org.agreementledger.auditor;

import org.agreementledger.contract.EventHeaders;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * The transparency log's leaves as the events topic carries them: each record's {@code ce_logindex} and the hash it
 * claims ({@code ce_hash}, which the chain check verifies on its own). Held flat, 32 bytes per index, so a million
 * events take 32 MB, in pages of 1 MiB allocated as indexes reach them: a single array grown by doubling held up to
 * three times that while it was copied, and ran a 512 MB auditor out of heap at 2.1 million events (run Z33).
 * A record naming an index another record already holds with a different hash is a conflict.
 */
final class LogLeaves {

    /** An index beyond this many leaves past the records read is not believed (a hostile header must not allocate). */
    private static final long SLACK = 1_000_000;
    private static final HexFormat HEX = HexFormat.of();

    private static final int LEAVES_PER_PAGE = 1 << 15;
    private static final int PAGE_BYTES = LEAVES_PER_PAGE * 32;

    private byte[][] pages = new byte[16][];
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
        byte[] page = page(i);
        int from = (i % LEAVES_PER_PAGE) * 32;
        if (present.get(i)) {
            if (!Arrays.equals(page, from, from + 32, leaf, 0, 32)) {
                problems.add(record.where() + ": log index " + at + " is claimed by two events with different hashes");
            }
            return;
        }
        System.arraycopy(leaf, 0, page, from, 32);
        present.set(i);
    }

    private byte[] page(int i) {
        int number = i / LEAVES_PER_PAGE;
        if (number >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(pages.length * 2, number + 1));
        }
        if (pages[number] == null) {
            pages[number] = new byte[PAGE_BYTES];
        }
        return pages[number];
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
        int from = (i % LEAVES_PER_PAGE) * 32;
        return Arrays.copyOfRange(pages[i / LEAVES_PER_PAGE], from, from + 32);
    }

    boolean any() {
        return !present.isEmpty();
    }

    java.util.List<String> problems() {
        return problems;
    }
}
