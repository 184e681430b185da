package org.agreementledger.contract.integrity;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, with SHA-256: the tree head over the
 * ledger's transparency log, inclusion proofs ({@code PATH}) and consistency proofs ({@code PROOF}), and their
 * verification as the RFC's sections 2.1.3.2 and 2.1.4.2 state it. One implementation for the ledger, which proves,
 * and the auditor, which verifies; docs/audit.md and docs/transparency-log-vectors.json specify it for others.
 *
 * <p>Leaves are given as their leaf hashes ({@link #leafHash}), in log order.
 */
public final class MerkleTree {

    /** Every hash of the tree is this long. */
    public static final int HASH_LENGTH = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleTree() {
    }

    /** {@code SHA-256(0x00 || entry)}: a leaf's hash. */
    public static byte[] leafHash(byte[] entry) {
        return Sha256.digest(new byte[]{LEAF_PREFIX}, entry);
    }

    /** {@code SHA-256(0x01 || left || right)}: an interior node's hash. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return Sha256.digest(new byte[]{NODE_PREFIX}, left, right);
    }

    /**
     * The hashes of a log's complete subtrees: {@code hash(level, index)} is {@code MTH} of the {@code 2^level} leaves
     * from {@code index * 2^level}. Every tree head and proof of a log is made of O(log n) of them, so a log that keeps
     * them (the ledger's table, or a list in memory) answers in O(log n) reads whatever its size.
     */
    @FunctionalInterface
    public interface Subtrees {
        byte[] hash(int level, long index);

        /** The complete subtrees of leaves held in memory, computed when asked. */
        static Subtrees of(List<byte[]> leafHashes) {
            return (level, index) -> {
                long from = index << level;
                return computed(leafHashes, (int) from, (int) (from + (1L << level)));
            };
        }
    }

    /** {@code MTH(D[n])}: the root hash of the tree over these leaves; SHA-256 of nothing for no leaves. */
    public static byte[] rootHash(List<byte[]> leafHashes) {
        return rootHash(Subtrees.of(leafHashes), leafHashes.size());
    }

    /** {@code MTH(D[size])} from a log's complete subtrees. */
    public static byte[] rootHash(Subtrees tree, long size) {
        return size == 0 ? Sha256.digest() : hash(tree, 0, size);
    }

    /**
     * The right edge of a tree: the complete subtrees over its first {@code size} leaves, one per bit set in the size,
     * largest first. It is all that appending leaves and computing the root need (a compact range): the ledger keeps it
     * while it stores the subtrees leaves complete, the auditor while it checks tree heads against the topic.
     */
    public static final class RightEdge {

        /** Told each complete subtree an appended leaf completes, the leaf itself first. */
        @FunctionalInterface
        public interface Completed {
            void subtree(int level, long index, byte[] hash);
        }

        private long size;
        /** The subtrees, smallest (rightmost) last. */
        private final List<byte[]> subtrees;

        private RightEdge(long size, List<byte[]> subtrees) {
            this.size = size;
            this.subtrees = subtrees;
        }

        public static RightEdge empty() {
            return of(0, List.of());
        }

        /** The edge of a tree of {@code size} leaves, from its complete subtrees, largest first. */
        public static RightEdge of(long size, List<byte[]> subtrees) {
            if (size < 0 || subtrees.size() != Long.bitCount(size) || !wellFormed(subtrees)) {
                throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(size)
                        + " complete subtrees on its right edge, of 32 bytes each");
            }
            return new RightEdge(size, new ArrayList<>(subtrees));
        }

        public long size() {
            return size;
        }

        /** The complete subtrees, largest first. */
        public List<byte[]> subtrees() {
            return List.copyOf(subtrees);
        }

        /** Appends a leaf (its leaf hash), for a caller that keeps only the edge, not the subtrees it completes. */
        public void append(byte[] leafHash) {
            append(leafHash, (level, index, hash) -> {
            });
        }

        /** Appends a leaf (its leaf hash): each right child completes its parent. */
        public void append(byte[] leafHash, Completed completed) {
            long index = size;
            byte[] hash = leafHash;
            int level = 0;
            completed.subtree(level, index, hash);
            while ((index & 1) == 1) {
                hash = nodeHash(subtrees.remove(subtrees.size() - 1), hash);
                level++;
                index >>= 1;
                completed.subtree(level, index, hash);
            }
            subtrees.add(hash);
            size++;
        }

        /** {@code MTH} of the leaves so far: the subtrees joined from the right. */
        public byte[] root() {
            byte[] root = null;
            for (int i = subtrees.size() - 1; i >= 0; i--) {
                root = root == null ? subtrees.get(i) : nodeHash(subtrees.get(i), root);
            }
            return root == null ? Sha256.digest() : root;
        }

        /** Where the subtrees of a tree of {@code size} leaves sit: (level, index) of each, largest first. */
        public static List<long[]> positions(long size) {
            List<long[]> positions = new ArrayList<>();
            for (int level = 62; level >= 0; level--) {
                if ((size >> level & 1) == 1) {
                    positions.add(new long[]{level, (size >> level) - 1});
                }
            }
            return positions;
        }
    }

    /** {@code PATH(index, D[size])}: the inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public static List<byte[]> inclusionProof(List<byte[]> leafHashes, long index, long size) {
        if (size > leafHashes.size()) {
            throw new IllegalArgumentException("no tree of " + size + " leaves: the log holds " + leafHashes.size());
        }
        return inclusionProof(Subtrees.of(leafHashes), index, size);
    }

    /** {@code PATH(index, D[size])} from a log's complete subtrees. */
    public static List<byte[]> inclusionProof(Subtrees tree, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("no leaf " + index + " in a tree of " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        path(tree, index, 0, size, proof);
        return proof;
    }

    /** {@code PROOF(oldSize, D[newSize])}: that the tree of {@code oldSize} leaves is a prefix of that of {@code newSize}. */
    public static List<byte[]> consistencyProof(List<byte[]> leafHashes, long oldSize, long newSize) {
        if (newSize > leafHashes.size()) {
            throw new IllegalArgumentException("no tree of " + newSize + " leaves: the log holds " + leafHashes.size());
        }
        return consistencyProof(Subtrees.of(leafHashes), oldSize, newSize);
    }

    /** {@code PROOF(oldSize, D[newSize])} from a log's complete subtrees. */
    public static List<byte[]> consistencyProof(Subtrees tree, long oldSize, long newSize) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException("no consistency proof from " + oldSize + " to " + newSize);
        }
        List<byte[]> proof = new ArrayList<>();
        if (oldSize > 0 && oldSize < newSize) {
            subproof(tree, oldSize, 0, newSize, true, proof);
        }
        return proof;
    }

    /** RFC 9162, 2.1.3.2: whether {@code proof} shows leaf {@code index} with this hash in the tree of this size and root. */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] rootHash) {
        if (index < 0 || index >= size || !wellFormed(leafHash) || !wellFormed(rootHash) || !wellFormed(proof)) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, rootHash);
    }

    /** RFC 9162, 2.1.4.2: whether {@code proof} shows the tree of {@code newSize} leaves extends that of {@code oldSize}. */
    public static boolean verifyConsistency(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (oldSize < 0 || oldSize > newSize || !wellFormed(oldRoot) || !wellFormed(newRoot) || !wellFormed(proof)) {
            return false;
        }
        if (oldSize == newSize) {
            return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
        }
        if (oldSize == 0) {
            // the empty tree is a prefix of every tree; there is nothing to prove
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(oldSize) == 1) {
            path.add(0, oldRoot);
        }
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
    }

    /** {@code MTH(D[from:to])}, for {@code to > from}: a complete subtree when the range is one, else split as the RFC splits. */
    private static byte[] hash(Subtrees tree, long from, long to) {
        long n = to - from;
        if (Long.bitCount(n) == 1 && from % n == 0) {
            return tree.hash(Long.numberOfTrailingZeros(n), from / n);
        }
        long k = split(n);
        return nodeHash(hash(tree, from, from + k), hash(tree, from + k, to));
    }

    /** {@code MTH} of leaves in memory, computed. */
    private static byte[] computed(List<byte[]> leaves, int from, int to) {
        if (to - from == 1) {
            return leaves.get(from);
        }
        int k = (int) split(to - from);
        return nodeHash(computed(leaves, from, from + k), computed(leaves, from + k, to));
    }

    private static void path(Subtrees tree, long m, long from, long to, List<byte[]> proof) {
        if (to - from <= 1) {
            return;
        }
        long k = split(to - from);
        if (m < k) {
            path(tree, m, from, from + k, proof);
            proof.add(hash(tree, from + k, to));
        } else {
            path(tree, m - k, from + k, to, proof);
            proof.add(hash(tree, from, from + k));
        }
    }

    private static void subproof(Subtrees tree, long m, long from, long to, boolean complete, List<byte[]> proof) {
        long n = to - from;
        if (m == n) {
            if (!complete) {
                proof.add(hash(tree, from, to));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(tree, m, from, from + k, complete, proof);
            proof.add(hash(tree, from + k, to));
        } else {
            subproof(tree, m - k, from + k, to, false, proof);
            proof.add(hash(tree, from, from + k));
        }
    }

    /** The largest power of two smaller than {@code n}, for {@code n > 1}. */
    private static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static boolean wellFormed(byte[] hash) {
        return hash != null && hash.length == HASH_LENGTH;
    }

    private static boolean wellFormed(List<byte[]> proof) {
        return proof != null && proof.stream().allMatch(MerkleTree::wellFormed);
    }
}
