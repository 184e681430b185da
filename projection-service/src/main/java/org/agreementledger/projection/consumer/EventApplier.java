package org.agreementledger.projection.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.EventUpcasting;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.StatementCallback;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Applies a batch of records in one database transaction: each event exactly once and in order per
 * agreement, and the consumer's next offsets with them. Redeliveries are skipped; an event whose
 * predecessor is missing is held back and reported, never applied out of order. A record that cannot be
 * applied is parked and holds its agreement (see {@link ParkedEvents}); every other agreement keeps flowing.
 */
@Component
public class EventApplier {

    private static final Logger log = LoggerFactory.getLogger(EventApplier.class);

    /** The schema of the views that queries read. */
    public static final String LIVE_SCHEMA = "views";
    /** The timeline's rows, numbered by the feed's identity column in the order applied (COPY writes them as given). */
    private static final ViewWrites.Insert HISTORY = new ViewWrites.Insert("agreement_history", List.of("feed_id",
            "agreement_id", "sequence", "event_id", "type", "occurred_at", "correlation_id", "causation_id", "principal",
            "country", "payload", "kafka_partition", "kafka_offset"), """
            INSERT INTO agreement_history (feed_id, agreement_id, sequence, event_id, type, occurred_at, correlation_id,
                                           causation_id, principal, country, payload, kafka_partition, kafka_offset)
            OVERRIDING SYSTEM VALUE VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");

    /** How often a batch tries the live views again while a rebuild swaps them. */
    private static final Duration SWAP_POLL = Duration.ofMillis(50);

    /**
     * The last sequence in the views of each agreement of an array: one step back from the end of its key, whatever
     * the planner's statistics say. As {@code max(sequence) ... GROUP BY} PostgreSQL read every row of each agreement,
     * about 10 ms a batch at 46,000 events of one agreement (docs/benchmarks.md, run Z18).
     */
    static final String LAST_SEQUENCES = """
            SELECT a.id, (SELECT h.sequence FROM agreement_history h WHERE h.agreement_id = a.id
                          ORDER BY h.sequence DESC LIMIT 1)
            FROM unnest(?) AS a(id)""";
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
    private final List<DerivedView> derivedViews;
    private final ParkedEvents parked;
    private final ObjectProvider<AppliedBatchListener> listeners;
    private final RecordTracing tracing;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter gaps;
    private final Counter isolated;
    private final Counter unreadable;
    private final Timer commandToView;
    private final Timer waitedForSwaps;
    /** The oid of the live views' schema when this instance last applied to them: a rebuild's swap changes it. */
    private final AtomicLong liveViews = new AtomicLong();

    EventApplier(JdbcTemplate jdbc, TransactionTemplate transaction, List<Projector> projectors,
                 List<DerivedView> derivedViews, ParkedEvents parked, ObjectProvider<AppliedBatchListener> listeners,
                 MeterRegistry meters, RecordTracing tracing) {
        this.parked = parked;
        this.tracing = tracing;
        this.listeners = listeners;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.projectors = projectors;
        this.derivedViews = derivedViews;
        this.applied = Counter.builder("projection.events.applied").register(meters);
        this.duplicates = Counter.builder("projection.events.duplicates")
                .description("Redelivered events skipped by agreement id and sequence").register(meters);
        this.gaps = Counter.builder("projection.sequence.gaps")
                .description("Events held back because an earlier event of their agreement was missing").register(meters);
        this.isolated = Counter.builder("projection.batches.isolated")
                .description("Batches applied again record by record, each in a savepoint, after one failed whole")
                .register(meters);
        this.unreadable = Counter.builder("projection.events.unreadable")
                .description("Records whose envelope or body could not be read (they are parked)").register(meters);
        this.commandToView = Timer.builder("projection.command.to.view")
                .description("From the event's append in the ledger to its effect in the views")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.waitedForSwaps = Timer.builder("projection.batches.waited.for.swap")
                .description("Batches that waited while a rebuild, on this instance or another, swapped the live views")
                .register(meters);
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
     * Applies a batch to the views of {@code schema}: the live ones, a rebuild's twin or an as-of scratch schema. The
     * same projectors write all of them, because the transaction's search path decides which tables unqualified
     * names mean. A record that cannot be applied is parked, with its agreement's later events behind it; the rest
     * of the batch, and the consumer positions past all of it, commit.
     */
    public void applyBatch(List<ConsumerRecord<String, byte[]>> records, String schema) {
        if (!LIVE_SCHEMA.equals(schema)) {
            inTransaction(records, schema, null);
            return;
        }
        Applied applied = betweenSwaps(() -> inTransaction(records, schema, null));
        if (applied.parked() > 0) {
            parked.recount();
        }
        published(applied);
    }

    /**
     * Applies parked records of the live views again, in the order given (the order they were consumed in), after a
     * fix: the agreements in {@code releasing} are no longer held while they are tried. What applies, or turns out
     * to be a duplicate, is unparked; what fails is parked again, with the events behind it. Positions do not move.
     *
     * @return how many of the records are parked after the retry
     */
    public long retryParked(List<ConsumerRecord<String, byte[]>> records, Set<String> releasing) {
        Applied applied = betweenSwaps(() -> inTransaction(records, LIVE_SCHEMA, releasing));
        parked.recount();
        published(applied);
        return applied.parked();
    }

    /**
     * Tells the listeners that this instance has just swapped rebuilt views in, before its consumer applies to them:
     * the feed ids are numbered anew. Other instances find out from their next batch, or while they have none from
     * {@link #noticeSwaps()}.
     */
    public void viewsSwapped() {
        liveViews.set(liveViewsSchema());
        tellViewsReplaced();
    }

    /**
     * Tells the listeners if a rebuild on another instance has swapped the live views since this instance last
     * applied to them or looked. Its consumer asks while no records come, so that its live subscribers are told to
     * reload within about a second of the swap rather than with its next batch, which a quiet ledger may not send for
     * hours.
     */
    void noticeSwaps() {
        noticeSwap(liveViewsSchema());
    }

    private long liveViewsSchema() {
        Long schema = jdbc.queryForObject(ViewLocks.LIVE_VIEWS_SCHEMA, Long.class);
        return schema == null ? 0 : schema;
    }

    private void noticeSwap(long schema) {
        long before = liveViews.getAndSet(schema);
        if (before != 0 && before != schema) {
            log.info("The live views were swapped by a rebuild; telling this instance's live subscribers to reload");
            tellViewsReplaced();
        }
    }

    private void tellViewsReplaced() {
        listeners.orderedStream().forEach(AppliedBatchListener::viewsReplaced);
    }

    /** A batch on the live views, applied once no rebuild, on any instance, is swapping them. */
    private Applied betweenSwaps(Supplier<Applied> batch) {
        long waitingSince = 0;
        while (true) {
            try {
                Applied applied = batch.get();
                if (waitingSince != 0) {
                    waitedForSwaps.record(System.nanoTime() - waitingSince, TimeUnit.NANOSECONDS);
                }
                return applied;
            } catch (ViewLocks.ViewsBeingReplaced e) {
                if (waitingSince == 0) {
                    waitingSince = System.nanoTime();
                    log.info("A rebuild is swapping the live views; this batch waits for it");
                }
                try {
                    Thread.sleep(SWAP_POLL.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while a rebuild swapped the live views", interrupted);
                }
            }
        }
    }

    private void published(Applied batch) {
        noticeSwap(batch.liveViews());
        Instant now = Instant.now();
        for (FeedItem item : batch.items()) {
            this.applied.increment();
            commandToView.record(Duration.between(item.occurredAt(), now));
        }
        listeners.orderedStream().forEach(listener -> listener.applied(batch.items()));
    }

    /**
     * First the whole batch in one go; only if a record's own failure aborts it, once more with each record in a
     * savepoint, so that the failed record's partial writes are undone and it is parked. The fast path pays nothing
     * for the savepoints.
     */
    private Applied inTransaction(List<ConsumerRecord<String, byte[]>> records, String schema, Set<String> releasing) {
        try {
            return transaction.execute(status -> applyAll(records, schema, releasing, null));
        } catch (RuntimeException e) {
            if (e instanceof ViewLocks.ViewsBeingReplaced || !isTheRecordsFault(e)) {
                throw e;
            }
            isolated.increment();
            log.warn("A batch of {} records failed ({}); applying them one by one to park what cannot be applied",
                    records.size(), mostSpecificMessage(e));
            return transaction.execute(status -> applyAll(records, schema, releasing, status));
        }
    }

    /**
     * Whether a failure is the record's own (it would fail again on the same data: a value a column cannot hold, an
     * event a projector cannot handle) rather than the database's or the connection's, which a retry of the whole
     * batch outlasts, or the deployment's (a missing privilege). Only the former parks a record: a database outage
     * must not park everything.
     */
    private static boolean isTheRecordsFault(RuntimeException e) {
        return !(e instanceof TransientDataAccessException || e instanceof RecoverableDataAccessException
                || e instanceof DataAccessResourceFailureException || e instanceof PermissionDeniedDataAccessException
                || e instanceof TransactionException);
    }

    /**
     * @param releasing null when consuming (positions move past every record); when retrying, the agreements being
     *                  released (each record handled without being parked again is unparked)
     * @param isolate   null for the fast path; else the transaction whose savepoints isolate each record
     */
    private Applied applyAll(List<ConsumerRecord<String, byte[]>> records, String schema, Set<String> releasing,
                             TransactionStatus isolate) {
        long liveViews = 0;
        if (LIVE_SCHEMA.equals(schema)) {
            Long joined = jdbc.execute((StatementCallback<Long>) ViewLocks::joinLiveViews);
            liveViews = joined == null ? 0 : joined;
        } else {
            // A replay's batches need not wait for their commit's fsync: its schema is unlogged scratch, or a rebuild's
            // twin, only swapped in by a transaction that commits synchronously after them in the WAL.
            jdbc.execute("SET LOCAL search_path TO " + schema + ", public; SET LOCAL synchronous_commit TO off");
        }
        List<Object> envelopes = envelopes(records);
        Map<String, Long> nextSequences = expectedSequences(envelopes);
        Map<String, Long> held = parked.heldOf(nextSequences.keySet());
        if (releasing != null) {
            held.keySet().removeAll(releasing);
        }
        Batch batch = new Batch(isolate == null);
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        int parkedRecords = 0;
        // the live views' records join their request's trace; a rebuild or an as-of replay of old events does not
        boolean traced = LIVE_SCHEMA.equals(schema);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            Object envelope = envelopes.get(i);
            Outcome outcome = traced
                    ? tracing.applying(record, () -> applyOne(record, envelope, nextSequences, held, batch, isolate))
                    : applyOne(record, envelope, nextSequences, held, batch, isolate);
            if (outcome == Outcome.PARKED) {
                parkedRecords++;
            } else if (releasing != null) {
                parked.unpark(record);
            }
            nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
        batch.flush();
        if (releasing == null && !nextOffsets.isEmpty()) {
            List<Object[]> positions = new ArrayList<>();
            nextOffsets.forEach((partition, offset) -> positions.add(
                    new Object[]{partition.topic(), partition.partition(), offset}));
            jdbc.batchUpdate("""
                    INSERT INTO consumer_position (topic, partition, next_offset) VALUES (?, ?, ?)
                    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset""", positions);
        }
        return new Applied(traced ? feedItems(batch) : List.of(), parkedRecords, liveViews);
    }

    /** Each record's envelope, or the exception that says why it cannot be read. */
    private static List<Object> envelopes(List<ConsumerRecord<String, byte[]>> records) {
        List<Object> envelopes = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                envelopes.add(EventEnvelope.fromHeaders(name -> header(record, name)));
            } catch (RuntimeException e) {
                envelopes.add(e);
            }
        }
        return envelopes;
    }

    /** The next sequence the views expect of every agreement in the batch, read in one query. */
    private Map<String, Long> expectedSequences(List<Object> envelopes) {
        Set<String> ids = new LinkedHashSet<>();
        for (Object envelope : envelopes) {
            if (envelope instanceof EventEnvelope read) {
                ids.add(read.agreementId().value());
            }
        }
        Map<String, Long> next = new HashMap<>();
        ids.forEach(id -> next.put(id, 0L));
        if (!ids.isEmpty()) {
            jdbc.query(VarcharArrays.statement(LAST_SEQUENCES, ids.toArray(String[]::new)), rs -> {
                long last = rs.getLong(2);
                if (!rs.wasNull()) {
                    next.put(rs.getString(1), last + 1);
                }
            });
        }
        return next;
    }

    /**
     * The events of one transaction on their way to the views: their timeline rows and the projectors' statements,
     * sent together at the end (deferred) or with each record, inside its savepoint.
     */
    private final class Batch {

        private final ViewWrites writes;
        private final List<AppliedEvent> events = new ArrayList<>();
        private final List<Long> feedIds = new ArrayList<>();

        Batch(boolean deferred) {
            this.writes = new ViewWrites(jdbc, deferred);
        }

        void apply(AppliedEvent event) {
            events.add(event);
            writes.forAgreement(event.envelope().agreementId().value());
            for (Projector projector : projectors) {
                projector.apply(event, writes);
            }
        }

        /** Forgets the last event, whose writes its savepoint's rollback undid. */
        void discardLast() {
            if (events.size() > feedIds.size()) {
                events.remove(events.size() - 1);
            }
        }

        /**
         * Writes the timeline rows not written yet, numbered for the live feed in the order applied, then the views,
         * then the views derived from them.
         */
        void flush() {
            int unwritten = events.size() - feedIds.size();
            if (unwritten > 0) {
                // the sequence is looked up once (an init plan), not for every row: that lookup scans pg_depend
                List<Long> ids = jdbc.queryForList("SELECT nextval((SELECT pg_get_serial_sequence('agreement_history', "
                        + "'feed_id')::regclass)) FROM generate_series(1, ?)", Long.class, unwritten);
                Collections.sort(ids);
                List<Object[]> rows = new ArrayList<>(unwritten);
                for (int i = 0; i < unwritten; i++) {
                    AppliedEvent event = events.get(feedIds.size() + i);
                    EventEnvelope envelope = event.envelope();
                    rows.add(new Object[]{ids.get(i), envelope.agreementId().value(), envelope.sequence(),
                            envelope.eventId(), envelope.type(), Timestamp.from(envelope.time()),
                            envelope.correlationId().orElse(null), envelope.causationId().orElse(null),
                            envelope.principal().orElse(null), envelope.country().orElse(null), new Utf8Text(event.payload()),
                            event.partition(), event.offset()});
                }
                CopyRows.insert(jdbc, HISTORY, rows);
                writes.flush();
                List<AppliedEvent> written = events.subList(events.size() - unwritten, events.size());
                derivedViews.forEach(view -> view.refresh(written, jdbc));
                feedIds.addAll(ids);
            }
        }
    }

    /** The events a transaction applied, and how many of its records it parked. */
    /** @param liveViews the live views' schema's oid when applied to them, else 0 */
    private record Applied(List<FeedItem> items, int parked, long liveViews) {
    }

    /** What became of one record. */
    private enum Outcome { APPLIED, SKIPPED, PARKED }

    /**
     * @param envelope      the record's envelope, or why it cannot be read
     * @param nextSequences what this batch knows already of each agreement's next sequence
     * @param held          each held agreement and its first parked sequence; grows when a record is parked
     */
    private Outcome applyOne(ConsumerRecord<String, byte[]> record, Object envelopeOrFailure,
                             Map<String, Long> nextSequences, Map<String, Long> held, Batch batch,
                             TransactionStatus isolate) {
        if (!(envelopeOrFailure instanceof EventEnvelope envelope)) {
            RuntimeException e = (RuntimeException) envelopeOrFailure;
            unreadable.increment();
            log.error("Parking unreadable record at {}-{}@{} (key {}): {}", record.topic(), record.partition(),
                    record.offset(), record.key(), e.getMessage());
            parked.park(record, null, null, header(record, EventHeaders.TYPE), ParkedEvents.Reason.FAILED,
                    "unreadable envelope (record key " + record.key() + "): " + e.getMessage());
            return Outcome.PARKED;
        }
        String agreementId = envelope.agreementId().value();
        long expected = nextSequences.get(agreementId);
        if (envelope.sequence() < expected) {
            duplicates.increment();
            return Outcome.SKIPPED;
        }
        Long blocking = held.get(agreementId);
        if (blocking != null) {
            parked.park(record, agreementId, envelope.sequence(), envelope.type(), ParkedEvents.Reason.HELD,
                    "held behind event " + blocking + " of its agreement, which is parked");
            return Outcome.PARKED;
        }
        if (envelope.sequence() > expected) {
            gaps.increment();
            log.warn("Agreement {}: expected event {} but received {} at {}-{}@{}; held back", agreementId,
                    expected, envelope.sequence(), record.topic(), record.partition(), record.offset());
            jdbc.update("""
                    INSERT INTO sequence_gap (agreement_id, expected_sequence, received_sequence, kafka_partition, kafka_offset)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    agreementId, expected, envelope.sequence(), record.partition(), record.offset());
            return Outcome.SKIPPED;
        }
        AgreementEvent event;
        try {
            event = EventUpcasting.read(envelope.type(), envelope.schemaVersion(), record.value());
        } catch (RuntimeException e) {
            unreadable.increment();
            return parkFailed(record, envelope, held, e);
        }
        AppliedEvent applied = new AppliedEvent(envelope, event, record.value(),
                record.partition(), record.offset());
        if (isolate == null) {
            // a failure aborts the batch, which is then applied again record by record
            batch.apply(applied);
        } else {
            Object savepoint = isolate.createSavepoint();
            try {
                batch.apply(applied);
                batch.flush();
                isolate.releaseSavepoint(savepoint);
            } catch (RuntimeException e) {
                if (!isTheRecordsFault(e)) {
                    throw e;
                }
                isolate.rollbackToSavepoint(savepoint);
                batch.discardLast();
                return parkFailed(record, envelope, held, e);
            }
        }
        nextSequences.put(agreementId, envelope.sequence() + 1);
        return Outcome.APPLIED;
    }

    private Outcome parkFailed(ConsumerRecord<String, byte[]> record, EventEnvelope envelope, Map<String, Long> held,
                               RuntimeException e) {
        String agreementId = envelope.agreementId().value();
        String error = mostSpecificMessage(e);
        log.error("Parking event {} ({}) of agreement {} at {}-{}@{}, and holding the agreement: {}",
                envelope.sequence(), envelope.type(), agreementId, record.topic(), record.partition(), record.offset(),
                error);
        parked.park(record, agreementId, envelope.sequence(), envelope.type(), ParkedEvents.Reason.FAILED, error);
        held.put(agreementId, envelope.sequence());
        return Outcome.PARKED;
    }

    /** The live feed's items of what a batch applied, after its writes: the parties of agreements offered earlier in one query. */
    private List<FeedItem> feedItems(Batch batch) {
        Set<String> unknown = new LinkedHashSet<>();
        for (AppliedEvent applied : batch.events) {
            if (applied.event() instanceof AgreementOffered offered) {
                partiesOf.put(offered.agreementId().value(), offered.parties().stream().map(CountryCode::value).toList());
            } else if (!partiesOf.containsKey(applied.envelope().agreementId().value())) {
                unknown.add(applied.envelope().agreementId().value());
            }
        }
        Map<String, List<String>> read = new HashMap<>();
        if (!unknown.isEmpty()) {
            jdbc.query(VarcharArrays.statement("SELECT agreement_id, parties FROM agreement_view WHERE agreement_id = ANY (?)",
                    unknown.toArray(String[]::new)), rs -> {
                read.put(rs.getString(1), Json.read(rs.getString(2), PARTIES));
            });
            partiesOf.putAll(read);
        }
        List<FeedItem> items = new ArrayList<>(batch.events.size());
        for (int i = 0; i < batch.events.size(); i++) {
            AppliedEvent applied = batch.events.get(i);
            EventEnvelope envelope = applied.envelope();
            String agreementId = envelope.agreementId().value();
            List<String> parties = applied.event() instanceof AgreementOffered offered
                    ? offered.parties().stream().map(CountryCode::value).toList()
                    : read.getOrDefault(agreementId, partiesOf.getOrDefault(agreementId, List.of()));
            items.add(new FeedItem(batch.feedIds.get(i), agreementId, envelope.sequence(), envelope.type(),
                    envelope.time(), envelope.principal().orElse(null), envelope.country().orElse(null), parties,
                    applied.payloadJson()));
        }
        return items;
    }

    private static String mostSpecificMessage(Throwable e) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
