package org.agreementledger.auditor;

import org.agreementledger.contract.EventHeaders;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.IntStream;

/**
 * Verifies every agreement's hash chain while the log is still being read: the reading thread hands records over in
 * batches, through a bounded queue per verifying thread, and each verifying thread owns the agreements whose id
 * hashes to it, so an agreement's records are checked in the order they were read, by one thread, as before. When
 * the log has ended the findings are merged into the order one thread would have found them in (by the record they
 * arose at), and the agreements are listed in the order the log first named them: the output does not depend on
 * how many threads verified.
 */
final class ChainVerifier {

    private static final int BATCH = 256;
    private static final int BATCHES_QUEUED = 2;
    private static final Batch END = new Batch(new LogRecord[0], new long[0], 0);

    private final ChainShard[] shards;
    private final Worker[] workers;
    private final LogRecord[][] filling;
    private final long[][] readIndices;
    private final int[] filled;
    private long read;
    private final List<Finding> findings = new ArrayList<>();
    private long redeliveries;
    private Map<String, ChainTable.Chain> chains;

    ChainVerifier(boolean tolerateRedeliveries, int threads) {
        shards = new ChainShard[threads];
        workers = new Worker[threads];
        filling = new LogRecord[threads][];
        readIndices = new long[threads][];
        filled = new int[threads];
        for (int i = 0; i < threads; i++) {
            shards[i] = new ChainShard(tolerateRedeliveries);
            filling[i] = new LogRecord[BATCH];
            readIndices[i] = new long[BATCH];
            workers[i] = new Worker(shards[i], i);
            workers[i].start();
        }
    }

    /** Before the read: where an earlier run left every chain, so that the next events link to them (verify --since). */
    void continueFrom(Map<String, VerifyState.ChainEnd> ends) {
        for (ChainShard shard : shards) {
            shard.continueFrom(ends);
        }
    }

    /** Called by the reading thread, for each record in the order read. */
    void accept(LogRecord record) {
        int shard = shardOf(record);
        filling[shard][filled[shard]] = record;
        readIndices[shard][filled[shard]] = read++;
        if (++filled[shard] == BATCH) {
            handOver(shard);
        }
    }

    /** The agreement the record names decides its thread; a record that names none goes anywhere, it is malformed. */
    private int shardOf(LogRecord record) {
        byte[] subject = record.headerBytes(EventHeaders.SUBJECT);
        int hash = subject == null ? 0 : Arrays.hashCode(subject);
        return Math.floorMod(hash ^ (hash >>> 16), shards.length);
    }

    private void handOver(int shard) {
        workers[shard].put(new Batch(filling[shard], readIndices[shard], filled[shard]));
        filling[shard] = new LogRecord[BATCH];
        readIndices[shard] = new long[BATCH];
        filled[shard] = 0;
    }

    /** Records as read, each with its index in the read. */
    private record Batch(LogRecord[] records, long[] readIndices, int size) {
    }

    /** The read failed: the verifying threads are stopped, nothing will be reported. */
    void abandon() {
        for (Worker worker : workers) {
            worker.interrupt();
        }
    }

    /** The log has ended: waits for every thread, then what is still waiting for a predecessor has a gap before it. */
    void finish() {
        for (int i = 0; i < shards.length; i++) {
            handOver(i);
            workers[i].put(END);
        }
        for (Worker worker : workers) {
            worker.await();
        }
        for (Worker worker : workers) {
            if (worker.failure != null) {
                throw new IllegalStateException("verifying failed: " + worker.failure, worker.failure);
            }
        }
        // the threads' findings merged into read order; a finding raised at the end comes after every record's
        record Ordered(long at, Finding finding) {
        }
        List<Ordered> ordered = new ArrayList<>();
        for (ChainShard shard : shards) {
            shard.finish();
            for (int i = 0; i < shard.findings().size(); i++) {
                ordered.add(new Ordered(shard.findingOrder().get(i), shard.findings().get(i)));
            }
            redeliveries += shard.redeliveries();
        }
        ordered.sort(Comparator.comparingLong(Ordered::at));
        ordered.forEach(o -> findings.add(o.finding()));
        chains = new MergedChains(shards);
    }

    /** Every agreement read, in the order the log first named them. */
    Map<String, ChainTable.Chain> chains() {
        return chains;
    }

    List<Finding> findings() {
        return findings;
    }

    long redeliveries() {
        return redeliveries;
    }

    /** A finding made after the log was verified (a checkpoint's); it marks the agreement's chain broken. */
    void report(Finding.Kind kind, String agreementId, Long sequence, String where, String detail) {
        ChainTable.Chain chain = agreementId == null ? null : chains.get(agreementId);
        if (chain != null) {
            chain.broken(kind);
        }
        findings.add(new Finding(kind, agreementId, sequence, where, detail));
    }

    static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }

    /** More verifying threads than this only queue more batches (each up to 2 × 256 records) without reading faster. */
    static final int MAX_THREADS = 64;

    /** How many threads verify by default: one per core, the reading thread mostly waits on the network or parses. */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static final class Worker extends Thread {
        private final ChainShard shard;
        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(BATCHES_QUEUED);
        private volatile Throwable failure;

        Worker(ChainShard shard, int index) {
            super("auditor-verify-" + index);
            this.shard = shard;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (Batch batch = queue.take(); batch != END; batch = queue.take()) {
                    if (failure != null) {
                        continue; // keep taking, so the reader is never blocked by a thread that gave up
                    }
                    try {
                        for (int i = 0; i < batch.size(); i++) {
                            shard.accept(batch.records()[i], batch.readIndices()[i]);
                        }
                    } catch (RuntimeException | Error e) {
                        failure = e;
                    }
                }
            } catch (InterruptedException e) {
                failure = e;
            }
        }

        void put(Batch batch) {
            try {
                queue.put(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying", e);
            }
        }

        void await() {
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying", e);
            }
        }
    }

    /** The shards' chains as one map: looked up in each, iterated by merging them in the order first read. */
    private static final class MergedChains extends AbstractMap<String, ChainTable.Chain> {
        private final ChainShard[] shards;
        private final int size;

        MergedChains(ChainShard[] shards) {
            this.shards = shards;
            this.size = Arrays.stream(shards).mapToInt(s -> s.chains().size()).sum();
        }

        @Override
        public ChainTable.Chain get(Object agreementId) {
            for (ChainShard shard : shards) {
                ChainTable.Chain chain = shard.chains().get(agreementId);
                if (chain != null) {
                    return chain;
                }
            }
            return null;
        }

        @Override
        public boolean containsKey(Object agreementId) {
            return get(agreementId) != null;
        }

        @Override
        public int size() {
            return size;
        }

        /** The chains alone, without making each one's id text (a million of them are only counted). */
        @Override
        public Collection<ChainTable.Chain> values() {
            return new AbstractCollection<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<ChainTable.Chain> iterator() {
                    return inOrder();
                }
            };
        }

        @Override
        public Set<Entry<String, ChainTable.Chain>> entrySet() {
            return ChainTable.entries(this::inOrder, size);
        }

        /** Each shard's chains are in the order first read already: a k-way merge on that order. */
        private Iterator<ChainTable.Chain> inOrder() {
            List<Iterator<ChainTable.Chain>> each = Arrays.stream(shards).map(s -> s.chains().inOrder().iterator()).toList();
            ChainTable.Chain[] heads = new ChainTable.Chain[shards.length];
            IntStream.range(0, heads.length).forEach(i -> heads[i] = each.get(i).hasNext() ? each.get(i).next() : null);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    for (ChainTable.Chain head : heads) {
                        if (head != null) {
                            return true;
                        }
                    }
                    return false;
                }

                @Override
                public ChainTable.Chain next() {
                    int first = -1;
                    for (int i = 0; i < heads.length; i++) {
                        if (heads[i] != null && (first < 0 || heads[i].firstSeen() < heads[first].firstSeen())) {
                            first = i;
                        }
                    }
                    if (first < 0) {
                        throw new NoSuchElementException();
                    }
                    ChainTable.Chain next = heads[first];
                    heads[first] = each.get(first).hasNext() ? each.get(first).next() : null;
                    return next;
                }
            };
        }
    }
}
