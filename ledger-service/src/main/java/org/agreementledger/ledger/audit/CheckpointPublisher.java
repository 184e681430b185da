package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.integrity.Checkpoint;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

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

    private final PublishedHeads publishedHeads;
    private final PublishedPosition publishedPosition;
    private final LedgerSigningKey key;
    private final CheckpointProperties properties;
    private final Clock clock;
    private final Counter published;
    private final CheckpointsTopic topic;
    private volatile Checkpoint.Signed latest;
    /** The heads as far as the latest read reached, which the next one carries forward. */
    private Basis basis;
    /**
     * Where the heads were found to be more than {@code max-agreements}; no checkpoint further on can hold fewer
     * (agreements are never removed), so the scheduled runs neither count nor read them again until the position
     * goes back.
     */
    private GapAwareTrackingToken overLimitAt;
    /** When the checkpoints last covered every published head: a publication, or a run that found nothing new. */
    private volatile double currentAt = Double.NaN;

    CheckpointPublisher(PublishedHeads publishedHeads, PublishedPosition publishedPosition, LedgerSigningKey key,
                        CheckpointProperties properties, CheckpointsTopic topic, Clock clock, MeterRegistry meters) {
        this.publishedHeads = publishedHeads;
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
    synchronized void periodically() {
        try {
            Optional<GapAwareTrackingToken> token = publisherToken();
            if (token.isPresent() && overLimitAt != null && token.get().covers(overLimitAt)) {
                // a read of every head here took a minute under load on a ledger of millions of agreements, and the
                // snapshot it held kept PostgreSQL from pruning the rows every command updates: half the throughput
                throw new TooManyAgreements(properties.maxAgreements(), " (found by an earlier run, not read again)");
            }
            // nothing published since the last run: the heads cannot have moved, so do not read them again
            if (token.isPresent() && (basis == null || !token.get().equals(basis.token()))) {
                Checkpoint.Writer heads;
                try {
                    heads = headsAt(token.get());
                } catch (TooManyAgreements e) {
                    overLimitAt = token.get();
                    throw e;
                }
                overLimitAt = null;
                Checkpoint.Signed previous = latest;
                // equal roots, equal heads: a chain that moved changes the root
                if (heads.size() > 0 && (previous == null || !previous.merkleRoot().equals(heads.merkleRoot()))) {
                    publish(heads, token.get());
                } else {
                    basis = new Basis(token.get(), heads.size() > 0 ? previous : null);
                }
            }
            currentAt = clock.millis() / 1000.0;
        } catch (RuntimeException e) {
            log.warn("No checkpoint this time: {}", e.getMessage());
        }
    }

    /** Signs and publishes a checkpoint now, waiting for Kafka's acknowledgement. */
    synchronized Checkpoint.Signed publishNow() {
        Optional<GapAwareTrackingToken> token = publisherToken();
        return token.isPresent() ? publish(headsAt(token.get()), token.get()) : publish(new Checkpoint.Writer(), null);
    }

    Optional<Checkpoint.Signed> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * The heads as far as {@code token} says: carried forward from the latest read when the publisher has moved on
     * from it, read whole the first time and whenever its position went back (a reset replays the topic), unless
     * counting the agreements finds them over the limit. The whole read sorts every head before it returns one, so
     * it costs every agreement the ledger holds however low the limit: 20 s over two million at rest, a minute under
     * load (docs/benchmarks.md, run Z43), its snapshot slowing every command meanwhile; the count stops at the limit.
     */
    private Checkpoint.Writer headsAt(GapAwareTrackingToken token) {
        if (basis != null && token.covers(basis.token())) {
            return publishedHeads.carriedForward(basis.checkpoint(), basis.token(), token);
        }
        if (publishedHeads.moreThan(properties.maxAgreements(), token)) {
            throw new TooManyAgreements(properties.maxAgreements(), " (counted, not read)");
        }
        return publishedHeads.every(token);
    }

    /** Publishes the heads read as far as {@code token} (none when there is no position yet). */
    private Checkpoint.Signed publish(Checkpoint.Writer heads, GapAwareTrackingToken token) {
        Checkpoint.Signed checkpoint = heads.sign(UUID.randomUUID().toString(), clock.instant(),
                EventHeaders.SOURCE_VALUE, key.privateKey(), key.publicKey());
        topic.send(checkpoint.checkpointId(), checkpoint.json(), Map.of());
        latest = checkpoint;
        if (token != null) {
            basis = new Basis(token, heads.size() > 0 ? checkpoint : null);
        }
        currentAt = checkpoint.createdAt().toEpochMilli() / 1000.0;
        published.increment();
        log.info("Published checkpoint {} over {} agreements, Merkle root {}", checkpoint.checkpointId(),
                checkpoint.heads(), checkpoint.merkleRoot());
        return checkpoint;
    }

    private Optional<GapAwareTrackingToken> publisherToken() {
        return publishedPosition.token();
    }

    /** Heads read as far as {@code token}: those of {@code checkpoint}, or none when it is null. */
    private record Basis(GapAwareTrackingToken token, Checkpoint.Signed checkpoint) {
    }

    static class CheckpointNotPublished extends RuntimeException {
        CheckpointNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The heads are more than one checkpoint may hold. */
    static final class TooManyAgreements extends CheckpointNotPublished {
        TooManyAgreements(int maxAgreements, String how) {
            super("more than ledger.checkpoints.max-agreements (" + maxAgreements + ") agreements" + how
                    + ": a checkpoint's record holds every head", null);
        }
    }
}
