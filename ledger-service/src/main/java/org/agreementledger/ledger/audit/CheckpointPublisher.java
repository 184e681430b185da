package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signs and publishes checkpoints: the head of every agreement's chain among the events already acknowledged on
 * the events topic (so an auditor reading the topic can always reach every head a checkpoint names), with a
 * Merkle root over them, to {@code ledger.checkpoints}.
 */
@Component
class CheckpointPublisher {

    private static final Logger log = LoggerFactory.getLogger(CheckpointPublisher.class);
    private static final int HEADS_PER_FETCH = 2_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final PublishedPosition publishedPosition;
    private final LedgerSigningKey key;
    private final CheckpointProperties properties;
    private final Clock clock;
    private final Counter published;
    private final CheckpointsTopic topic;
    private volatile Checkpoint.Signed latest;
    /** The publisher's position the latest run read the heads at. */
    private volatile GapAwareTrackingToken covered;
    /** When the checkpoints last covered every published head: a publication, or a run that found nothing new. */
    private volatile double currentAt = Double.NaN;

    CheckpointPublisher(JdbcTemplate jdbc, PlatformTransactionManager transactions, PublishedPosition publishedPosition,
                        LedgerSigningKey key, CheckpointProperties properties, CheckpointsTopic topic, Clock clock,
                        MeterRegistry meters) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.publishedPosition = publishedPosition;
        this.key = key;
        this.properties = properties;
        this.topic = topic;
        this.clock = clock;
        this.published = Counter.builder("ledger.checkpoints.published")
                .description("Signed checkpoints published").register(meters);
        // Epoch seconds, NaN before the first; Prometheus alerts on time() minus these (docs/operations.md).
        Gauge.builder("ledger.checkpoints.last.published", this,
                        self -> self.latest == null ? Double.NaN : self.latest.createdAt().getEpochSecond())
                .baseUnit("seconds").description("When the latest checkpoint was signed, seconds since the epoch")
                .register(meters);
        Gauge.builder("ledger.checkpoints.last.current", this, self -> self.currentAt)
                .baseUnit("seconds").description("When the latest checkpoint last covered every published head"
                        + " (published, or no chain moved since), seconds since the epoch")
                .register(meters);
        Gauge.builder("ledger.checkpoints.interval", properties, p -> p.interval().toMillis() / 1000.0)
                .baseUnit("seconds").description("ledger.checkpoints.interval").register(meters);
    }

    @Scheduled(initialDelayString = "${ledger.checkpoints.interval:5m}", fixedDelayString = "${ledger.checkpoints.interval:5m}")
    void periodically() {
        try {
            Optional<GapAwareTrackingToken> token = publisherToken();
            // nothing published since the last run: the heads cannot have moved, so do not read them all again
            if (token.isPresent() && !token.get().equals(covered)) {
                Checkpoint.Writer heads = publishedHeads(token.get());
                Checkpoint.Signed previous = latest;
                // equal roots, equal heads: a chain that moved changes the root
                if (heads.size() > 0 && (previous == null || !previous.merkleRoot().equals(heads.merkleRoot()))) {
                    publish(heads);
                }
                covered = token.get();
            }
            currentAt = clock.millis() / 1000.0;
        } catch (RuntimeException e) {
            log.warn("No checkpoint this time: {}", e.getMessage());
        }
    }

    /** Signs and publishes a checkpoint now, waiting for Kafka's acknowledgement. */
    synchronized Checkpoint.Signed publishNow() {
        return publish(publisherToken().map(this::publishedHeads).orElseGet(Checkpoint.Writer::new));
    }

    Optional<Checkpoint.Signed> latest() {
        return Optional.ofNullable(latest);
    }

    private synchronized Checkpoint.Signed publish(Checkpoint.Writer heads) {
        Checkpoint.Signed checkpoint = heads.sign(UUID.randomUUID().toString(), clock.instant(),
                EventHeaders.SOURCE_VALUE, key.privateKey(), key.publicKey());
        topic.send(checkpoint.checkpointId(), checkpoint.json(), Map.of());
        latest = checkpoint;
        currentAt = checkpoint.createdAt().toEpochMilli() / 1000.0;
        published.increment();
        log.info("Published checkpoint {} over {} agreements, Merkle root {}", checkpoint.checkpointId(),
                checkpoint.heads(), checkpoint.merkleRoot());
        return checkpoint;
    }

    /**
     * Every agreement's last event among those the publisher has had acknowledged by Kafka (as far as {@code token}
     * says), written into a checkpoint as the rows arrive. Read through a cursor, with the hash taken out of the
     * metadata by the database and the heads sorted there byte by byte (which is the checkpoint's order for ids
     * without surrogate pairs; the writer refuses any other): one row in memory at a time, never a list of every head.
     * The agreements are found by skipping along the (aggregate, sequence) index and each head read backwards from
     * its end, two index probes per agreement, rather than by sorting every event. The read may outlast the socket
     * timeout that bounds a command's statements, so it has its own ({@code ledger.checkpoints.read-timeout}); the
     * pool restores the connection's own when it is returned.
     */
    private Checkpoint.Writer publishedHeads(GapAwareTrackingToken token) {
        Long[] gaps = token.getGaps().toArray(Long[]::new);
        Checkpoint.Writer heads = new Checkpoint.Writer();
        // a cursor needs a transaction: PostgreSQL's driver fetches everything at once in autocommit
        readOnly.executeWithoutResult(status -> jdbc.query(con -> {
            con.setNetworkTimeout(Runnable::run, (int) properties.readTimeout().toMillis());
            var statement = con.prepareStatement("""
                    WITH RECURSIVE agreement(id) AS (
                        (SELECT aggregateidentifier FROM domainevententry ORDER BY aggregateidentifier LIMIT 1)
                        UNION ALL
                        SELECT (SELECT e.aggregateidentifier FROM domainevententry e
                                WHERE e.aggregateidentifier > agreement.id ORDER BY e.aggregateidentifier LIMIT 1)
                        FROM agreement WHERE agreement.id IS NOT NULL)
                    SELECT head.aggregateidentifier, head.sequencenumber,
                           convert_from(head.metadata, 'UTF8')::jsonb ->> ? AS hash
                    FROM agreement CROSS JOIN LATERAL (
                        SELECT aggregateidentifier, sequencenumber, metadata FROM domainevententry e
                        WHERE e.aggregateidentifier = agreement.id AND e.globalindex <= ? AND NOT (e.globalindex = ANY (?))
                        ORDER BY e.sequencenumber DESC LIMIT 1) head
                    ORDER BY head.aggregateidentifier COLLATE "C\"""");
            statement.setFetchSize(HEADS_PER_FETCH);
            statement.setString(1, ChainMetaData.HASH);
            statement.setLong(2, token.getIndex());
            statement.setArray(3, con.createArrayOf("bigint", gaps));
            return statement;
        }, row -> {
            if (heads.size() >= properties.maxAgreements()) {
                throw new CheckpointNotPublished("more than ledger.checkpoints.max-agreements ("
                        + properties.maxAgreements() + ") agreements: a checkpoint's record holds every head", null);
            }
            String hash = row.getString("hash");
            if (hash != null) {
                heads.add(new Checkpoint.Head(row.getString("aggregateidentifier"), row.getLong("sequencenumber"), hash));
            }
        }));
        return heads;
    }

    private Optional<GapAwareTrackingToken> publisherToken() {
        return publishedPosition.token();
    }

    static class CheckpointNotPublished extends RuntimeException {
        CheckpointNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
