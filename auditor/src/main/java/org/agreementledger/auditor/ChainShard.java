package org.agreementledger.auditor;

import org.agreementledger.contract.CanonicalUuids;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.EventChain;
import org.agreementledger.contract.integrity.Sha256;

import java.util.ArrayList;
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

    /** An event read before its predecessor, waiting for it. */
    record Pending(EventEnvelope envelope, byte[] hash, String where) {
    }

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
        LogRecord.Lookup headers = record.headers();
        try {
            envelope = EventEnvelope.fromHeaders(headers);
        } catch (RuntimeException e) {
            report(Finding.Kind.MALFORMED, record.key(), null, record.where(), e.getMessage());
            return;
        }
        String agreementId = envelope.agreementId().value();
        UUID canonical = CanonicalUuids.parse(agreementId);
        int chain = chains.indexOf(agreementId, canonical);
        if (chain < 0) {
            chain = chains.add(agreementId, canonical, readIndex);
            VerifyState.ChainEnd end = ends.get(agreementId);
            if (end != null) {
                chains.put(chain, end.sequence(), Sha256.fromHex(end.hash()));
            }
        }
        if (!agreementId.equals(record.key())) {
            report(chain, Finding.Kind.MALFORMED, envelope.sequence(), record.where(),
                    "record key " + record.key() + " is not its subject " + agreementId);
        }
        if (headers.repeated() != null) {
            // the ledger writes each once: readers that took different copies would read different events
            report(chain, Finding.Kind.MALFORMED, envelope.sequence(), record.where(),
                    "header " + headers.repeated() + " is given more than once");
            return;
        }
        if (envelope.hash().isEmpty()) {
            report(chain, Finding.Kind.MALFORMED, envelope.sequence(), record.where(),
                    "no " + EventHeaders.HASH + " header: the event is not sealed into a chain");
            return;
        }
        String claimed = envelope.hash().get();
        byte[] hash = Sha256.parseDigest(claimed);
        if (hash == null) {
            report(chain, Finding.Kind.MALFORMED, envelope.sequence(), record.where(), "hash is not SHA-256 hex: " + claimed);
            return;
        }
        try {
            if (!EventChain.isSealedAs(envelope, record.body(), hash)) {
                String computed = EventChain.hashOf(envelope, record.body());
                report(chain, Finding.Kind.ALTERED, envelope.sequence(), record.where(),
                        "its content hashes to " + shortHash(computed) + ", not to the " + shortHash(claimed) + " it carries");
            }
        } catch (RuntimeException e) {
            report(chain, Finding.Kind.MALFORMED, envelope.sequence(), record.where(), "unreadable body: " + e.getMessage());
            return;
        }
        chains.counted(chain);
        long sequence = envelope.sequence();
        long known = chains.known(chain);
        if (sequence == known) {
            link(chain, envelope, hash, record);
            drain(chain);
        } else if (sequence > known) {
            Pending earlier = chains.earlyOrNew(chain).putIfAbsent(sequence, new Pending(envelope, hash, record.where()));
            if (earlier != null) {
                repeated(chain, envelope, earlier.envelope().hash().orElseThrow(), earlier.where(), record.where());
            }
        } else {
            Optional<String> first = chains.hashAt(chain, sequence);
            repeated(chain, envelope, first.orElse(""), "an earlier offset", record.where());
        }
    }

    private void repeated(int chain, EventEnvelope envelope, String firstHash, String firstWhere, String where) {
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
    private void link(int chain, EventEnvelope envelope, byte[] hash, Object at) {
        long sequence = envelope.sequence();
        if (sequence == 0) {
            if (envelope.previousHash().isPresent()) {
                report(chain, Finding.Kind.BROKEN_LINK, 0L, where(at), "the first event of an agreement names a previous hash");
            }
        } else if (chains.holds(chain, sequence - 1)) {
            byte[] previous = Sha256.parseDigest(envelope.previousHash().orElse(null));
            if (previous == null || !chains.hashIs(chain, sequence - 1, previous)) {
                report(chain, Finding.Kind.BROKEN_LINK, sequence, where(at), "its previous hash "
                        + envelope.previousHash().map(ChainShard::shortHash).orElse("(none)") + " is not the hash "
                        + shortHash(chains.hashAt(chain, sequence - 1).orElseThrow()) + " of #" + (sequence - 1) + ": #"
                        + (sequence - 1) + " was altered or replaced, or this event was inserted");
            }
        }
        chains.put(chain, sequence, hash);
    }

    private void drain(int chain) {
        TreeMap<Long, Pending> early = chains.early(chain);
        while (early != null && !early.isEmpty() && early.firstKey() == chains.known(chain)) {
            Pending next = early.pollFirstEntry().getValue();
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
        for (int chain : chains.withEarly()) {
            // after every record's findings, in the order the agreements were first read
            reading = Long.MAX_VALUE / 2 + chains.firstSeen(chain);
            TreeMap<Long, Pending> early = chains.early(chain);
            while (!early.isEmpty()) {
                long first = early.firstKey();
                long known = chains.known(chain);
                report(chain, Finding.Kind.MISSING, known, early.firstEntry().getValue().where(),
                        (first - known == 1 ? "#" + known + " is" : "#" + known + "..#" + (first - 1) + " are")
                                + " absent: " + (known == 0 ? "the history starts at #" + first
                                : "the history jumps from #" + (known - 1) + " to #" + first));
                Pending next = early.pollFirstEntry().getValue();
                chains.put(chain, next.envelope().sequence(), next.hash());
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
        int chain = agreementId == null ? -1 : chains.indexOf(agreementId, CanonicalUuids.parse(agreementId));
        if (chain >= 0) {
            chains.broken(chain, kind);
        }
        findings.add(new Finding(kind, agreementId, sequence, where, detail));
        findingOrder.add(reading);
    }

    private void report(int chain, Finding.Kind kind, Long sequence, String where, String detail) {
        chains.broken(chain, kind);
        findings.add(new Finding(kind, chains.agreementId(chain), sequence, where, detail));
        findingOrder.add(reading);
    }

    private static String shortHash(String hash) {
        return ChainVerifier.shortHash(hash);
    }
}
