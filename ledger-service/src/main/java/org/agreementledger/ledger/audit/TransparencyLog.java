package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.MerkleTree;
import org.agreementledger.contract.integrity.SignedNote;
import org.agreementledger.contract.integrity.TreeHead;
import org.agreementledger.ledger.axon.LastAppend;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's transparency log (docs/audit.md): the database numbers every event when its transaction commits
 * (migration V7); this folds the new leaves into the stored complete subtrees, signs the tree head as a C2SP
 * tlog-checkpoint note with the ledger's key, keeps it, publishes it to {@code ledger.checkpoints}, and answers
 * inclusion and consistency proofs from the stored subtrees in O(log n) reads.
 */
@Component
public class TransparencyLog {

    /** Leaves folded in per transaction: bounds the memory and the transaction of one round. */
    private static final int LEAVES_PER_ROUND = 10_000;
    /** Only one instance folds leaves at a time. */
    private static final long INTEGRATION_LOCK = 0x7419_6c6f_6700L;

    private static final Logger log = LoggerFactory.getLogger(TransparencyLog.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final LedgerSigningKey key;
    private final TransparencyLogProperties properties;
    private final PublishedPosition publishedPosition;
    private final CheckpointsTopic topic;

    TransparencyLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, LedgerSigningKey key,
                    PublishedPosition publishedPosition,
                    TransparencyLogProperties properties, CheckpointsTopic topic, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.key = key;
        this.properties = properties;
        this.publishedPosition = publishedPosition;
        this.topic = topic;
        Gauge.builder("ledger.transparency.log.size", this, self -> self.size().orElse(0L))
                .description("Events in the transparency log").register(meters);
        Gauge.builder("ledger.transparency.log.signed.size", this, self -> self.latestNote().map(TransparencyLog::sizeOf).orElse(0L))
                .description("Events the latest signed tree head covers").register(meters);
    }

    /** The key tree heads are signed with now, as a C2SP verifier key. */
    public SignedNote.VerifierKey verifierKey() {
        return signer().verifierKey();
    }

    /** Every key tree heads were signed with, the current one first: the ledger's key set under the log's name. */
    public List<SignedNote.VerifierKey> verifierKeys() {
        return key.keys().stream().map(valid -> new SignedNote.VerifierKey(properties.origin(), SignedNote.ED25519,
                org.agreementledger.contract.integrity.LedgerKeys.raw(valid.key()))).toList();
    }

    private SignedNote.SignerKey signer() {
        return new SignedNote.SignerKey(properties.origin(), SignedNote.ED25519, key.seed());
    }

    @Scheduled(initialDelayString = "${ledger.transparency-log.interval:30s}",
            fixedDelayString = "${ledger.transparency-log.interval:30s}")
    void periodically() {
        try {
            checkpointNow();
        } catch (RuntimeException e) {
            log.warn("No tree head this time: {}", e.getMessage());
        }
    }

    /** Folds every committed leaf into the tree and signs and publishes a head over them, if the log grew. */
    public synchronized Optional<String> checkpointNow() {
        long size;
        do {
            size = integrateRound();
        } while (size < 0);
        Optional<String> current = latestNote();
        long signed = current.map(TransparencyLog::sizeOf).orElse(0L);
        long signable = published(signed, size);
        if (signable <= signed) {
            return current;
        }
        TreeHead head = new TreeHead(properties.origin(), signable, MerkleTree.rootHash(stored(), signable));
        String note = new SignedNote.Note(head.text(), List.of(SignedNote.sign(head.text(), signer()))).encoded();
        jdbc.update("INSERT INTO transparency_log_checkpoint (tree_size, note) VALUES (?, ?) ON CONFLICT DO NOTHING",
                signable, note);
        publish(signable, note);
        log.info("Signed tree head of the transparency log at size {}", signable);
        return Optional.of(note);
    }

    /**
     * How many of the first {@code integrated} leaves are events already on the topic (those up to the {@code signed}
     * head are): a tree head covers only what an auditor reading the topic can reach (as checkpoints do).
     */
    private long published(long signed, long integrated) {
        Optional<GapAwareTrackingToken> token = publishedPosition.token();
        if (token.isEmpty()) {
            return signed;
        }
        Long firstUnpublished = jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    SELECT min(l.log_index) FROM transparency_log_leaf l
                    JOIN domainevententry e ON e.aggregateidentifier = l.agreement_id AND e.sequencenumber = l.sequence
                    WHERE l.log_index >= ? AND l.log_index < ? AND (e.globalindex > ? OR e.globalindex = ANY (?))""");
            statement.setLong(1, signed);
            statement.setLong(2, integrated);
            statement.setLong(3, token.get().getIndex());
            statement.setArray(4, connection.createArrayOf("bigint", token.get().getGaps().toArray(Long[]::new)));
            return statement;
        }, rs -> rs.next() ? (Long) rs.getObject(1) : null);
        return firstUnpublished == null ? integrated : firstUnpublished;
    }

    /**
     * One round of folding leaves into the stored subtrees; the new integrated size, negated (minus one) when more
     * leaves are waiting. Another instance holding the lock makes this a no-op.
     */
    private long integrateRound() {
        Long result = transaction.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class,
                    INTEGRATION_LOCK))) {
                return jdbc.queryForObject("SELECT size FROM transparency_log_integrated", Long.class);
            }
            long from = jdbc.queryForObject("SELECT size FROM transparency_log_integrated FOR UPDATE", Long.class);
            List<byte[]> batch = new ArrayList<>();
            boolean[] more = {false};
            jdbc.query("SELECT log_index, event_hash FROM transparency_log_leaf WHERE log_index >= ? ORDER BY log_index "
                    + "LIMIT ?", rs -> {
                        // the log's lock hands out indices in commit order, so they are contiguous; stop at any hole
                        if (rs.getLong(1) != from + batch.size() || batch.size() == LEAVES_PER_ROUND) {
                            more[0] |= batch.size() == LEAVES_PER_ROUND;
                            return;
                        }
                        batch.add(rs.getBytes(2));
                    }, from, LEAVES_PER_ROUND + 1);
            if (batch.isEmpty()) {
                return from;
            }
            MerkleTree.RightEdge edge = rightEdge(from);
            List<Short> levels = new ArrayList<>();
            List<Long> indexes = new ArrayList<>();
            List<byte[]> hashes = new ArrayList<>();
            for (byte[] eventHash : batch) {
                edge.append(MerkleTree.leafHash(eventHash), (level, index, hash) -> {
                    levels.add((short) level);
                    indexes.add(index);
                    hashes.add(hash);
                });
            }
            // one statement for the round's nodes (about two per leaf), not one execution per node
            jdbc.update(connection -> {
                PreparedStatement insert = connection.prepareStatement("INSERT INTO transparency_log_node (level, "
                        + "node_index, hash) SELECT * FROM unnest(?::smallint[], ?::bigint[], ?::bytea[])");
                insert.setArray(1, connection.createArrayOf("int2", levels.toArray()));
                insert.setArray(2, connection.createArrayOf("int8", indexes.toArray()));
                insert.setArray(3, connection.createArrayOf("bytea", hashes.toArray(byte[][]::new)));
                return insert;
            });
            long to = from + batch.size();
            jdbc.update("UPDATE transparency_log_integrated SET size = ?", to);
            return more[0] ? -to - 1 : to;
        });
        return result == null ? 0 : result;
    }

    /** The right edge of the tree of the first {@code size} leaves, from the stored subtrees: what new leaves join. */
    private MerkleTree.RightEdge rightEdge(long size) {
        MerkleTree.Subtrees stored = stored();
        return MerkleTree.RightEdge.of(size, MerkleTree.RightEdge.positions(size).stream()
                .map(position -> stored.hash((int) position[0], position[1])).toList());
    }

    /** The stored complete subtrees, read when a proof needs them. */
    private MerkleTree.Subtrees stored() {
        return (level, index) -> {
            List<byte[]> hash = jdbc.query("SELECT hash FROM transparency_log_node WHERE level = ? AND node_index = ?",
                    (rs, row) -> rs.getBytes(1), level, index);
            if (hash.isEmpty()) {
                throw new IllegalStateException("the log has no subtree " + level + "/" + index + " yet");
            }
            return hash.get(0);
        };
    }

    /**
     * Adds a witness's cosignatures to the signed tree head they cosign, keeps them and publishes the note again with
     * them: only cosignatures of configured witnesses that verify, on a head this ledger signed.
     *
     * @return the note with every cosignature kept for that head
     * @throws IllegalArgumentException naming what is wrong with the note
     */
    public synchronized String addCosignatures(String cosigned) {
        SignedNote.Note note = SignedNote.Note.parse(cosigned);
        TreeHead head = TreeHead.parse(note.text());
        String stored = note(head.size()).orElseThrow(() -> new IllegalArgumentException(
                "the ledger signed no tree head of size " + head.size()));
        SignedNote.Note kept = SignedNote.Note.parse(stored);
        if (!kept.text().equals(note.text())) {
            throw new IllegalArgumentException("the note's text is not the tree head of size " + head.size()
                    + " this ledger signed");
        }
        List<SignedNote.VerifierKey> witnesses = properties.witnesses().stream().map(SignedNote.VerifierKey::parse).toList();
        int added = 0;
        for (SignedNote.VerifierKey witness : witnesses) {
            boolean already = kept.signatures().stream().anyMatch(s -> s.name().equals(witness.name())
                    && s.keyId() == witness.keyId());
            if (already || !note.verifiedBy(witness)) {
                continue;
            }
            SignedNote.NoteSignature cosignature = note.signatures().stream().filter(s -> s.name().equals(witness.name())
                    && s.keyId() == witness.keyId()).findFirst().orElseThrow();
            kept = kept.with(cosignature);
            added++;
        }
        if (added == 0) {
            throw new IllegalArgumentException("the note carries no new cosignature that verifies with a configured "
                    + "witness key (ledger.transparency-log.witnesses)");
        }
        jdbc.update("UPDATE transparency_log_checkpoint SET note = ? WHERE tree_size = ?", kept.encoded(), head.size());
        publish(head.size(), kept.encoded());
        return kept.encoded();
    }

    /** The latest signed tree head's note. */
    public Optional<String> latestNote() {
        return jdbc.query("SELECT note FROM transparency_log_checkpoint ORDER BY tree_size DESC LIMIT 1",
                (rs, row) -> rs.getString(1)).stream().findFirst();
    }

    /** The signed tree head of this size, if the ledger signed one. */
    public Optional<String> note(long treeSize) {
        return jdbc.query("SELECT note FROM transparency_log_checkpoint WHERE tree_size = ?",
                (rs, row) -> rs.getString(1), treeSize).stream().findFirst();
    }

    private static long sizeOf(String note) {
        return TreeHead.parse(SignedNote.Note.parse(note).text()).size();
    }

    private Optional<Long> size() {
        return Optional.ofNullable(jdbc.queryForObject("SELECT size FROM transparency_log_size", Long.class));
    }

    /**
     * The events a command appended, ending at the agreement's version it answered: the run of events before it
     * that the same command caused; as its commit handed them to this thread, else read from the log.
     */
    public List<LoggedEvent> appendedWith(String agreementId, long version) {
        return LastAppend.take(agreementId, version, LoggedEvent::new)
                .orElseGet(() -> readAppendedWith(agreementId, version));
    }

    private List<LoggedEvent> readAppendedWith(String agreementId, long version) {
        List<LoggedEvent> events = new ArrayList<>();
        String[] causation = new String[1];
        jdbc.query("SELECT sequence, encode(event_hash, 'hex'), log_index, causation_id FROM transparency_log_leaf "
                + "WHERE agreement_id = ? AND sequence <= ? ORDER BY sequence DESC LIMIT 50", rs -> {
                    String cause = rs.getString(4);
                    if (events.isEmpty()) {
                        causation[0] = cause;
                    } else if (cause == null || !cause.equals(causation[0]) || rs.getLong(1) != events.get(0).sequence() - 1) {
                        return;
                    }
                    events.add(0, new LoggedEvent(rs.getLong(1), rs.getString(2), rs.getLong(3)));
                }, agreementId, version);
        return events;
    }

    /** PATH(index, D[treeSize]) as lowercase hex hashes; the tree must have been signed at that size. */
    public List<String> inclusionProof(long index, long treeSize) {
        return hex(MerkleTree.inclusionProof(stored(), index, treeSize));
    }

    /** PROOF(from, D[to]) as lowercase hex hashes. */
    public List<String> consistencyProof(long from, long to) {
        return hex(MerkleTree.consistencyProof(stored(), from, to));
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(java.util.HexFormat.of()::formatHex).toList();
    }

    /** Publishes the head; it is signed and kept either way, and a failure is only logged: the next round publishes anew. */
    private void publish(long treeSize, String note) {
        try {
            topic.send(LedgerTopics.treeHeadKey(treeSize), note.getBytes(StandardCharsets.UTF_8),
                    Map.of(LedgerTopics.RECORD_KIND_HEADER, LedgerTopics.TREE_HEAD, "content-type", "text/plain; charset=utf-8"));
        } catch (RuntimeException e) {
            log.warn("Kafka did not acknowledge the tree head at size {}: {}", treeSize, e.toString());
        }
    }
}
