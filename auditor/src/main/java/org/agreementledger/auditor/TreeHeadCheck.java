package org.agreementledger.auditor;

import org.agreementledger.contract.integrity.LedgerKeys;
import org.agreementledger.contract.integrity.MerkleTree;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.integrity.TreeHead;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks the transparency log's signed tree heads (docs/audit.md) against the leaves the events topic carries: each
 * head signed by the pinned key under its origin's name, and its root the RFC 9162 root of the first {@code size}
 * leaves. All heads are computed from one sequence of leaves, so heads that hold extend one another: no consistency
 * proof is needed by an auditor who reads the whole topic. One pass over the leaves, O(log n) per head.
 */
final class TreeHeadCheck {

    /** A tree head as found on the checkpoints topic. */
    record Found(String where, byte[] note) {
    }

    private TreeHeadCheck() {
    }

    /** The witnesses whose cosignatures count, and how many of them the largest witnessed head needs. */
    record Witnesses(List<SignedNote.VerifierKey> keys, int required) {

        long cosigning(SignedNote.Note note) {
            return keys.stream().filter(note::verifiedBy).count();
        }
    }

    /** The result: a line per head for the summary, and the tree's right edge over every contiguous leaf read. */
    record Outcome(List<String> lines, MerkleTree.RightEdge edge, String largestHeld) {
    }

    /** Reports what does not hold to {@code findings}. */
    static Outcome check(List<Found> found, LogLeaves leaves, MerkleTree.RightEdge start, List<LedgerKeys.ValidKey> keys,
                         Witnesses witnesses, ChainVerifier findings) {
        leaves.problems().forEach(problem -> findings.report(Finding.Kind.LOG_INDEX_CONFLICT, null, null, null, problem));
        record Head(String where, TreeHead head, String signature, long cosigned, String note) {
        }
        List<Head> heads = new ArrayList<>();
        for (Found one : found) {
            SignedNote.Note note;
            TreeHead head;
            try {
                note = SignedNote.Note.parse(new String(one.note(), StandardCharsets.UTF_8));
                head = TreeHead.parse(note.text());
            } catch (IllegalArgumentException e) {
                findings.report(Finding.Kind.MALFORMED, null, null, one.where(), "tree head: " + e.getMessage());
                continue;
            }
            String signature = "signature NOT checked (pin the key with --trusted-key)";
            if (!keys.isEmpty()) {
                SignedNote.Note signed = note;
                if (keys.stream().anyMatch(valid -> signed.verifiedBy(new SignedNote.VerifierKey(head.origin(),
                        SignedNote.ED25519, LedgerKeys.raw(valid.key()))))) {
                    signature = "signed by the pinned key";
                } else {
                    findings.report(Finding.Kind.TREE_HEAD_SIGNATURE_INVALID, null, null, one.where(), "tree head of size "
                            + head.size() + " is not signed by the pinned key as " + head.origin());
                    signature = "NOT signed by the pinned key";
                }
            }
            heads.add(new Head(one.where(), head, signature, witnesses.cosigning(note),
                    new String(one.note(), StandardCharsets.UTF_8)));
        }
        // a head published again with cosignatures is one head: keep the copy with the most
        java.util.Map<String, Head> distinct = new java.util.LinkedHashMap<>();
        for (Head head : heads) {
            distinct.merge(head.head().text(), head, (a, b) -> b.cosigned() > a.cosigned() ? b : a);
        }
        heads = new ArrayList<>(distinct.values());
        heads.sort(Comparator.comparingLong(h -> h.head().size()));
        List<String> lines = new ArrayList<>();
        long available = leaves.contiguous();
        MerkleTree.RightEdge edge = MerkleTree.RightEdge.of(start.size(), start.subtrees());
        String largestHeld = null;
        for (Head head : heads) {
            long size = head.head().size();
            if (size < edge.size()) {
                lines.add("earlier  tree head of size " + size + " (" + head.where() + "): within the saved state this "
                        + "run starts from, not checked again");
                continue;
            }
            if (size > available) {
                findings.report(Finding.Kind.TREE_HEAD_BEYOND_LOG, null, null, head.where(), "tree head of size " + size
                        + " covers leaves the topic does not hold: it holds leaves up to " + available + " without a hole");
                lines.add("BROKEN  tree head of size " + size + " (" + head.where() + "): beyond the log; " + head.signature());
                continue;
            }
            fold(leaves, edge, size);
            boolean holds = MessageDigest.isEqual(edge.root(), head.head().rootHash());
            if (holds && !head.signature().startsWith("NOT")) {
                largestHeld = head.note();
            }
            if (!holds) {
                findings.report(Finding.Kind.TREE_HEAD_MISMATCH, null, null, head.where(), "tree head of size " + size
                        + " signs a root the topic's first " + size + " leaves do not have: the log was rewritten");
            }
            lines.add((holds ? "holds   " : "BROKEN  ") + "tree head of size " + size + " (" + head.where() + "), "
                    + head.signature() + (witnesses.keys().isEmpty() ? ""
                    : ", cosigned by " + head.cosigned() + " of " + witnesses.keys().size() + " witness(es)"));
        }
        if (witnesses.required() > 0) {
            long witnessed = heads.stream().filter(head -> head.cosigned() >= witnesses.required())
                    .mapToLong(head -> head.head().size()).max().orElse(-1);
            if (witnessed < 0) {
                findings.report(Finding.Kind.TREE_HEAD_NOT_WITNESSED, null, null, null, "no tree head carries "
                        + witnesses.required() + " cosignature(s) of the configured witnesses: nothing shows that the "
                        + "ledger showed this history, and no other, to them");
            } else {
                lines.add("the largest head cosigned by " + witnesses.required() + " witness(es) covers " + witnessed
                        + " of the " + available + " leaves on the topic; the rest is protected by the ledger's signature "
                        + "and the chains only");
            }
        }
        fold(leaves, edge, available);
        return new Outcome(lines, edge, largestHeld);
    }

    /** Appends the leaves up to {@code to} to the edge. */
    private static void fold(LogLeaves leaves, MerkleTree.RightEdge edge, long to) {
        while (edge.size() < to) {
            edge.append(MerkleTree.leafHash(leaves.eventHash(edge.size())));
        }
    }
}
