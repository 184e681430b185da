package org.agreementledger.projection.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventUpcasting;
import org.agreementledger.projection.live.FeedItem;
import org.agreementledger.projection.live.LiveFeed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a batch of records in one database transaction: each event exactly once and in order per
 * agreement, and the consumer's next offsets with them. Redeliveries are skipped; an event whose
 * predecessor is missing is held back and reported, never applied out of order.
 */
@Component
public class EventApplier {

    private static final Logger log = LoggerFactory.getLogger(EventApplier.class);

    /** The schema of the views that queries read. */
    public static final String LIVE_SCHEMA = "views";

    private static final TypeReference<List<String>> PARTIES = new TypeReference<>() {
    };
    private static final int PARTIES_CACHED = 10_000;

    /** An agreement's parties never change after its offer, so the live feed's labels need not be read per event. */
    private final Map<String, List<String>> partiesOf = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                    return size() > PARTIES_CACHED;
                }
            });

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final List<Projector> projectors;
    private final LiveFeed liveFeed;
    private final ObjectProvider<AppliedBatchListener> listeners;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter gaps;
    private final Counter unreadable;
    private final Timer commandToView;

    EventApplier(JdbcTemplate jdbc, TransactionTemplate transaction, List<Projector> projectors, LiveFeed liveFeed,
                 ObjectProvider<AppliedBatchListener> listeners, MeterRegistry meters) {
        this.listeners = listeners;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.projectors = projectors;
        this.liveFeed = liveFeed;
        this.applied = Counter.builder("projection.events.applied").register(meters);
        this.duplicates = Counter.builder("projection.events.duplicates")
                .description("Redelivered events skipped by agreement id and sequence").register(meters);
        this.gaps = Counter.builder("projection.sequence.gaps")
                .description("Events held back because an earlier event of their agreement was missing").register(meters);
        this.unreadable = Counter.builder("projection.events.unreadable").register(meters);
        this.commandToView = Timer.builder("projection.command.to.view")
                .description("From the event's append in the ledger to its effect in the views")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /** The live views' consumer positions. */
    Map<TopicPartition, Long> storedPositions(String topic) {
        return storedPositions(topic, LIVE_SCHEMA);
    }

    /** The consumer positions stored with the views of {@code schema}. */
    public Map<TopicPartition, Long> storedPositions(String topic, String schema) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        jdbc.query("SELECT partition, next_offset FROM " + schema + ".consumer_position WHERE topic = ?",
                rs -> {
                    positions.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }, topic);
        return positions;
    }

    void applyBatch(List<ConsumerRecord<String, byte[]>> records) {
        applyBatch(records, LIVE_SCHEMA);
    }

    /**
     * Applies a batch to the views of {@code schema}: the live ones, or a rebuild's twin. The same projectors
     * write both, because the transaction's search path decides which tables unqualified names mean.
     */
    public void applyBatch(List<ConsumerRecord<String, byte[]>> records, String schema) {
        List<FeedItem> applied = transaction.execute(status -> {
            jdbc.execute("SET LOCAL search_path TO " + schema + ", public");
            Map<TopicPartition, Long> nextOffsets = new HashMap<>();
            Map<String, Long> nextSequences = new HashMap<>();
            List<FeedItem> items = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                applyOne(record, nextSequences).ifPresent(items::add);
                nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            nextOffsets.forEach((partition, offset) -> jdbc.update("""
                    INSERT INTO consumer_position (topic, partition, next_offset) VALUES (?, ?, ?)
                    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset""",
                    partition.topic(), partition.partition(), offset));
            return items;
        });
        if (!LIVE_SCHEMA.equals(schema)) {
            return;
        }
        Instant now = Instant.now();
        for (FeedItem item : applied) {
            this.applied.increment();
            commandToView.record(Duration.between(item.occurredAt(), now));
        }
        liveFeed.published(applied);
        listeners.orderedStream().forEach(listener -> listener.applied(applied));
    }

    /** @param nextSequences what this batch knows already of each agreement's next sequence */
    private Optional<FeedItem> applyOne(ConsumerRecord<String, byte[]> record, Map<String, Long> nextSequences) {
        EventEnvelope envelope;
        AgreementEvent event;
        try {
            envelope = EventEnvelope.fromHeaders(name -> header(record, name));
            event = EventUpcasting.read(envelope.type(), envelope.schemaVersion(), record.value());
        } catch (RuntimeException e) {
            unreadable.increment();
            log.error("Skipping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return Optional.empty();
        }
        String agreementId = envelope.agreementId().value();
        long expected = nextSequences.computeIfAbsent(agreementId, id -> {
            Long last = jdbc.queryForObject("SELECT max(sequence) FROM agreement_history WHERE agreement_id = ?",
                    Long.class, id);
            return last == null ? 0 : last + 1;
        });
        if (envelope.sequence() < expected) {
            duplicates.increment();
            return Optional.empty();
        }
        if (envelope.sequence() > expected) {
            gaps.increment();
            log.warn("Agreement {}: expected event {} but received {} at {}-{}@{}; held back", agreementId,
                    expected, envelope.sequence(), record.topic(), record.partition(), record.offset());
            jdbc.update("""
                    INSERT INTO sequence_gap (agreement_id, expected_sequence, received_sequence, kafka_partition, kafka_offset)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    agreementId, expected, envelope.sequence(), record.partition(), record.offset());
            return Optional.empty();
        }
        String payload = new String(record.value(), StandardCharsets.UTF_8);
        Long feedId = jdbc.queryForObject("""
                INSERT INTO agreement_history (agreement_id, sequence, event_id, type, occurred_at, correlation_id,
                                               causation_id, principal, country, payload, kafka_partition, kafka_offset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING feed_id""", Long.class,
                agreementId, envelope.sequence(), envelope.eventId(), envelope.type(), Timestamp.from(envelope.time()),
                envelope.correlationId().orElse(null), envelope.causationId().orElse(null),
                envelope.principal().orElse(null), envelope.country().orElse(null), payload,
                record.partition(), record.offset());
        AppliedEvent appliedEvent = new AppliedEvent(envelope, event, payload, record.partition(), record.offset());
        for (Projector projector : projectors) {
            projector.apply(appliedEvent);
        }
        nextSequences.put(agreementId, envelope.sequence() + 1);
        List<String> parties = event instanceof AgreementOffered offered
                ? offered.parties().stream().map(CountryCode::value).toList()
                : parties(agreementId);
        return Optional.of(new FeedItem(feedId, agreementId, envelope.sequence(), envelope.type(), envelope.time(),
                envelope.principal().orElse(null), envelope.country().orElse(null), parties, payload));
    }

    private List<String> parties(String agreementId) {
        List<String> cached = partiesOf.get(agreementId);
        if (cached != null) {
            return cached;
        }
        List<String> parties = jdbc.query("SELECT parties FROM agreement_view WHERE agreement_id = ?",
                (rs, row) -> Json.read(rs.getString(1), PARTIES), agreementId).stream().findFirst().orElse(List.of());
        if (!parties.isEmpty()) {
            partiesOf.put(agreementId, parties);
        }
        return parties;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
