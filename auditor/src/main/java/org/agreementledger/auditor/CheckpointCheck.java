package org.agreementledger.auditor;

import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.contract.integrity.LedgerKeys;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * Checks a checkpoint against the log as verified: signed by the pinned key (or, when none is pinned, by the key
 * it names, which proves only that it was not edited), its Merkle root over its heads, and every head present in
 * the log with the same hash, which proves the history up to it is exactly what was signed.
 */
final class CheckpointCheck {

    private final List<LedgerKeys.ValidKey> trustedKeys;

    /** @param trustedKeys the pinned key set (a rotation keeps retired keys in it); empty when none is pinned */
    CheckpointCheck(List<LedgerKeys.ValidKey> trustedKeys) {
        this.trustedKeys = trustedKeys;
    }

    /** @return whether the checkpoint holds */
    boolean check(Checkpoint checkpoint, String where, ChainVerifier chains) {
        String name = "checkpoint " + checkpoint.checkpointId() + " of " + checkpoint.createdAt();
        PublicKey key;
        if (!trustedKeys.isEmpty()) {
            Optional<LedgerKeys.ValidKey> named = trustedKeys.stream()
                    .filter(valid -> valid.keyId().equals(checkpoint.keyId())).findFirst();
            if (named.isEmpty()) {
                chains.report(Finding.Kind.CHECKPOINT_UNTRUSTED_KEY, null, null, where, name + " names key "
                        + checkpoint.keyId() + ", which is not in the pinned key set");
                key = trustedKeys.get(0).key();
            } else {
                key = named.get().key();
                if (!named.get().validAt(checkpoint.createdAt())) {
                    chains.report(Finding.Kind.CHECKPOINT_UNTRUSTED_KEY, null, null, where, name + " is signed with key "
                            + checkpoint.keyId() + " outside the time it signed (from " + named.get().notBefore()
                            + " until " + named.get().notAfter() + ")");
                }
            }
        } else {
            try {
                key = checkpoint.embeddedKey();
            } catch (IllegalArgumentException e) {
                chains.report(Finding.Kind.CHECKPOINT_SIGNATURE_INVALID, null, null, where, name + ": " + e.getMessage());
                return false;
            }
        }
        if (!checkpoint.signatureValid(key)) {
            chains.report(Finding.Kind.CHECKPOINT_SIGNATURE_INVALID, null, null, where,
                    name + ": the Ed25519 signature does not verify with key " + LedgerKeys.keyId(key) + "; its heads are not trusted");
            return false;
        }
        if (!checkpoint.merkleRootMatches()) {
            chains.report(Finding.Kind.CHECKPOINT_ROOT_MISMATCH, null, null, where,
                    name + ": its Merkle root is not the root of its heads");
            return false;
        }
        boolean holds = true;
        for (Checkpoint.Head head : checkpoint.heads()) {
            ChainTable.Chain chain = chains.chains().get(head.agreementId());
            Optional<String> logged = chain == null ? Optional.empty() : chain.hashAt(head.sequence());
            if (logged.isEmpty()) {
                holds = false;
                chains.report(Finding.Kind.CHECKPOINT_BEYOND_LOG, head.agreementId(), head.sequence(), where,
                        name + " names #" + head.sequence() + " but the log holds "
                                + (chain == null ? "no event of this agreement" : "#0..#" + chain.lastSequence()));
            } else if (!logged.get().equals(head.hash())) {
                holds = false;
                chains.report(Finding.Kind.CHECKPOINT_MISMATCH, head.agreementId(), head.sequence(), where,
                        name + " signed " + ChainVerifier.shortHash(head.hash()) + " for #" + head.sequence()
                                + " but the log has " + ChainVerifier.shortHash(logged.get()) + ": history up to it was rewritten");
            }
        }
        return holds;
    }
}
