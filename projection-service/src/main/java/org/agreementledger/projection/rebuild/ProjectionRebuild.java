package org.agreementledger.projection.rebuild;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.consumer.BulkTransactions;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.EventApplier;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.agreementledger.projection.consumer.ReplayConsumers;
import org.agreementledger.projection.consumer.ViewLocks;
import org.agreementledger.projection.consumer.ViewSchemas;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds every view by replaying the topic from the beginning into a twin schema while queries keep reading
 * the live one; then, with the live consumer paused and every instance's batches held off ({@link ViewLocks}), catches
 * up to exactly the live positions, compares the two row for row and swaps the twin in with two schema renames in one
 * transaction. One rebuild runs at a time across the instances sharing the database.
 */
@Component
public class ProjectionRebuild {

    static final String TWIN_SCHEMA = "views_rebuild";
    private static final String RETIRED_SCHEMA = "views_retired";
    /** Enough for the comparison's hash tables of a million rows to stay in memory; only for its transaction. */
    private static final String COMPARE_WORK_MEM = "64MB";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);

    private final JdbcTemplate jdbc;
    private final BulkTransactions transaction;
    private final EventApplier applier;
    private final AgreementEventConsumer live;
    private final ConsumerProperties properties;
    private final ViewLocks locks;
    private final ParkedEvents parkedEvents;
    private final ViewSchemas schemas;
    private final int parallelism;
    private final Duration oldViewsLockWait;
    private final RebuildRuns runs;
    private final AtomicLong replayed = new AtomicLong();
    /** The run this instance is rebuilding, else 0. */
    private volatile long running;
    private final AtomicLong progressRecordedAt = new AtomicLong();

    ProjectionRebuild(JdbcTemplate jdbc, BulkTransactions transaction, EventApplier applier,
                      AgreementEventConsumer live, ConsumerProperties properties, ViewLocks locks,
                      ParkedEvents parkedEvents, ViewSchemas schemas, RebuildRuns runs, MeterRegistry meters,
                      RebuildProperties rebuildProperties) {
        this.runs = runs;
        this.schemas = schemas;
        this.parallelism = rebuildProperties.parallelism();
        this.oldViewsLockWait = rebuildProperties.oldViewsLockWait();
        this.locks = locks;
        this.parkedEvents = parkedEvents;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.applier = applier;
        this.live = live;
        this.properties = properties;
        Gauge.builder("projection.rebuild.records", replayed, AtomicLong::get)
                .description("Records replayed by the current or last rebuild").register(meters);
        Gauge.builder("projection.rebuild.running", this, rebuild -> rebuild.running != 0 ? 1 : 0)
                .description("1 while this instance runs a rebuild").register(meters);
    }

    /**
     * What a rebuild did, and whether the rebuilt views equal the live ones they replaced. {@code parkedEvents}: records
     * the rebuilt views could not apply, or hold behind those (listed by {@code GET /admin/parked-events}).
     * {@code oldViewsDropped}: false when the replaced views are still in schema {@value #RETIRED_SCHEMA}.
     */
    public record Report(long recordsReplayed, long millis, Map<String, Long> phaseMillis, Map<String, Long> differingRows,
                         boolean identical, Map<String, Long> positions, long parkedEvents, boolean oldViewsDropped) {
    }

    /**
     * Where the latest rebuild, on any instance sharing the database, stands: {@code run} numbers them and
     * {@code instance} names the one that ran it (process id and host); {@code state} is {@code NEVER} (no rebuild
     * yet), {@code RUNNING}, {@code DONE} (with the {@code report} a lost answer to the request would have carried),
     * {@code FAILED} (its instance's log says why; the views in place are those before it, unless it failed after the
     * swap) or {@code INTERRUPTED} (its instance stopped before it ended; the views in place are those before it).
     * {@code recordsReplayed} counts while it runs: at once on its instance, within seconds on the others.
     */
    public record Status(long run, String instance, State state, Instant startedAt, Instant endedAt, long recordsReplayed,
                         Report report) {

        public enum State { NEVER, RUNNING, DONE, FAILED, INTERRUPTED }

        static final Status NEVER = new Status(0, null, State.NEVER, null, null, 0, null);
    }

    /** What the paused part of a rebuild leaves for its report. */
    private record Swapped(Map<String, Long> differingRows, Map<String, Long> positions, long parkedEvents) {
    }

    /** A rebuild is running already, on this instance or another sharing its database. */
    public static final class AlreadyRunning extends RuntimeException {
        AlreadyRunning() {
            super("A rebuild is already running, on this instance or another.");
        }
    }

    /**
     * @throws AlreadyRunning if a rebuild runs on any instance: two would replay into the same twin
     */
    public Report rebuild() {
        try (ViewLocks.Held rebuilding = locks.tryHoldRebuild().orElseThrow(AlreadyRunning::new)) {
            return rebuildHolding();
        }
    }

    private Report rebuildHolding() {
        replayed.set(0);
        progressRecordedAt.set(System.nanoTime());
        running = runs.started(Instant.now());
        Report report = null;
        long started = System.nanoTime();
        Phases phases = new Phases();
        try (KafkaConsumer<String, byte[]> replay = replayConsumer()) {
            // old views a crash or a long reader left after an earlier swap; dropped now, not while the consumer waits
            transaction.run(() -> jdbc.execute("DROP SCHEMA IF EXISTS " + RETIRED_SCHEMA + " CASCADE"));
            ViewSchemas.DeferredIndexes indexes = schemas.createDurableForBulkLoad(TWIN_SCHEMA);
            List<TopicPartition> partitions = replay.partitionsFor(properties.topic()).stream()
                    .map(p -> new TopicPartition(properties.topic(), p.partition())).toList();
            replay.assign(partitions);
            Map<TopicPartition, Long> ends = replay.endOffsets(partitions);
            replayInParallel(ends);
            ends.forEach(replay::seek);
            phases.done("replay");
            schemas.buildIndexes(indexes);
            phases.done("indexes");
            schemas.analyze(TWIN_SCHEMA);
            phases.done("analyze");
            // paused here, and held alone across instances: no instance applies a batch to the live views from the
            // moment their positions are read until the rebuilt views have replaced them
            Swapped swapped = live.whilePaused(() -> {
                try (ViewLocks.Held liveViews = locks.holdLiveViewsAlone()) {
                    Map<TopicPartition, Long> targets = new HashMap<>(applier.storedPositions(properties.topic(), EventApplier.LIVE_SCHEMA));
                    partitions.forEach(p -> targets.merge(p, replay.position(p), Math::max));
                    replayUntil(replay, targets);
                    phases.done("catchUp");
                    Map<String, Long> differences = compare();
                    phases.done("compare");
                    Long parked = jdbc.queryForObject("SELECT count(*) FROM " + TWIN_SCHEMA + ".parked_event", Long.class);
                    swap();
                    applier.viewsSwapped();
                    Map<String, Long> positions = new LinkedHashMap<>();
                    targets.forEach((p, offset) -> positions.put(p.toString(), offset));
                    return new Swapped(differences, positions, parked == null ? 0 : parked);
                }
            });
            parkedEvents.recount();
            phases.done("swap");
            boolean dropped = dropRetired();
            phases.done("drop");
            report = new Report(replayed.get(), Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    phases.millis(), swapped.differingRows(),
                    swapped.differingRows().values().stream().allMatch(n -> n == 0), swapped.positions(),
                    swapped.parkedEvents(), dropped);
            log.info("Rebuilt every view from {} records in {} ms ({}); identical to the live views: {}",
                    report.recordsReplayed(), report.millis(), report.phaseMillis(), report.identical());
            return report;
        } finally {
            long run = running;
            running = 0;
            try {
                runs.ended(run, report, replayed.get());
            } catch (RuntimeException e) {
                log.warn("Rebuild {} ended ({}), but its end could not be recorded: {}", run,
                        report == null ? "failed" : "done", e.toString());
            }
        }
    }

    public Status status() {
        Status latest = runs.latest();
        return latest.state() == Status.State.RUNNING && latest.run() == running
                ? new Status(latest.run(), latest.instance(), latest.state(), latest.startedAt(), null, replayed.get(), null)
                : latest;
    }

    /** Whether a rebuild runs on any instance sharing the database. */
    public boolean runningAnywhere() {
        return locks.rebuildRunning();
    }

    /**
     * The bulk of the replay, up to the end offsets at the start: partitions replayed by {@code parallelism}
     * consumers at once. An agreement's events are all in one partition, so no two of them write the same rows.
     */
    private void replayInParallel(Map<TopicPartition, Long> ends) {
        List<TopicPartition> partitions = new ArrayList<>(ends.keySet());
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        int threads = Math.max(1, Math.min(parallelism, partitions.size()));
        List<Map<TopicPartition, Long>> groups = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            groups.add(new HashMap<>());
        }
        for (int i = 0; i < partitions.size(); i++) {
            groups.get(i % threads).put(partitions.get(i), ends.get(partitions.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> new Thread(runnable, "projection-rebuild"));
        try {
            List<Future<?>> replays = new ArrayList<>();
            for (Map<TopicPartition, Long> group : groups) {
                replays.add(pool.submit(() -> {
                    try (KafkaConsumer<String, byte[]> consumer = replayConsumer()) {
                        consumer.assign(group.keySet());
                        consumer.seekToBeginning(group.keySet());
                        replayUntil(consumer, group);
                    }
                }));
            }
            for (Future<?> replay : replays) {
                replay.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure
                    : new IllegalStateException("the rebuild's replay failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rebuilding", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void replayUntil(KafkaConsumer<String, byte[]> replay, Map<TopicPartition, Long> targets) {
        while (targets.entrySet().stream().anyMatch(t -> replay.position(t.getKey()) < t.getValue())) {
            ReplayConsumers.pauseFinished(replay, targets);
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : replay.poll(Duration.ofMillis(200))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < targets.getOrDefault(partition, 0L)) {
                    batch.add(record);
                }
            }
            // Records past a target were fetched but not applied: rewind so the next round starts at the target.
            targets.forEach((partition, target) -> {
                if (replay.position(partition) > target) {
                    replay.seek(partition, target);
                }
            });
            if (!batch.isEmpty()) {
                applier.applyBatch(batch, TWIN_SCHEMA);
                recordProgress(replayed.addAndGet(batch.size()));
            }
        }
    }

    /** The count of replayed records, on record for the other instances about once a second. */
    private void recordProgress(long records) {
        long now = System.nanoTime();
        long last = progressRecordedAt.get();
        if (now - last >= PROGRESS_EVERY.toNanos() && progressRecordedAt.compareAndSet(last, now)) {
            runs.progress(running, records);
        }
    }

    /**
     * Rows in one schema and not the other, per table, counting duplicates: what {@code EXCEPT ALL} both ways counts.
     * Most rebuilds find the two equal, so each table is first fingerprinted (see {@link #sameRows}); only a table
     * whose fingerprints differ has its differing rows counted (see {@link #differingRows}). Both read a row as its
     * text form, which quotes every value unambiguously and shows what a reader is shown (a number's scale included).
     */
    private Map<String, Long> compare() {
        return transaction.execute(status -> {
            jdbc.execute("SET LOCAL work_mem = '" + COMPARE_WORK_MEM + "'");
            Map<String, Long> differences = new LinkedHashMap<>();
            ViewSchemas.REPLAYED_COLUMNS.forEach((table, columns) -> {
                String row = columns.equals("*") ? "x::text" : "ROW(" + columns + ")::text";
                differences.put(table, sameRows(table, row) ? 0 : differingRows(table, row));
            });
            return differences;
        });
    }

    /**
     * Whether both schemas hold the same rows, each as many times: per side the number of rows and two sums of 64-bit
     * hashes of every row (PostgreSQL's {@code hashtextextended}, seeds 0 and 1), one scan of both tables appended,
     * in parallel. Equal rows give equal sums; rows that differ give equal sums only by a chance of about 2^-128.
     * About half the time of counting the differences (13-15 s instead of 26-27 s over a million rows a side of the
     * two largest tables, docs/benchmarks.md run V).
     */
    private boolean sameRows(String table, String row) {
        Map<Integer, String> sides = new HashMap<>();
        jdbc.query("SELECT side, count(*) || ' ' || sum(hashtextextended(t, 0)) || ' ' || sum(hashtextextended(t, 1))"
                + " FROM (" + bothSides(table, "1 AS side, " + row + " AS t", "2, " + row) + ") rows GROUP BY side",
                (RowCallbackHandler) result -> sides.put(result.getInt(1), result.getString(2)));
        return Objects.equals(sides.get(1), sides.get(2));
    }

    /**
     * The rows in only one side, counted in one pass over both by summing, per row digest (MD5 of its text form), +1
     * for each live row and -1 for each rebuilt one. One aggregate over the two tables appended, rather than a join of
     * two, so that PostgreSQL can scan and digest them in parallel (before 16 it never runs a full join in parallel):
     * 6.8 s instead of 11.0 s over a million timeline rows a side (docs/benchmarks.md).
     */
    private long differingRows(String table, String row) {
        Long count = jdbc.queryForObject("SELECT coalesce(sum(abs(d)), 0) FROM (SELECT sum(n) AS d FROM ("
                + bothSides(table, "md5(" + row + ") AS h, 1 AS n", "md5(" + row + "), -1") + ") rows GROUP BY h) digests",
                Long.class);
        return count == null ? 0 : count;
    }

    /** The live table's rows, then the rebuilt one's, each as the given columns of {@code x}: one scan of both. */
    private static String bothSides(String table, String liveColumns, String rebuiltColumns) {
        return "SELECT " + liveColumns + " FROM " + EventApplier.LIVE_SCHEMA + "." + table + " x"
                + " UNION ALL SELECT " + rebuiltColumns + " FROM " + TWIN_SCHEMA + "." + table + " x";
    }

    /** How long each step of a rebuild took, in the order they ran. */
    private static final class Phases {

        private final Map<String, Long> millis = new LinkedHashMap<>();
        private long since = System.nanoTime();

        void done(String phase) {
            long now = System.nanoTime();
            millis.put(phase, Duration.ofNanos(now - since).toMillis());
            since = now;
        }

        Map<String, Long> millis() {
            return new LinkedHashMap<>(millis);
        }
    }

    /**
     * Two renames in one transaction, which lock no table: queries go on reading the old views until it commits and
     * the rebuilt ones after. The old views are dropped once the live consumer runs again ({@link #dropRetired}).
     */
    private void swap() {
        transaction.run(() -> {
            jdbc.execute("ALTER SCHEMA " + EventApplier.LIVE_SCHEMA + " RENAME TO " + RETIRED_SCHEMA);
            jdbc.execute("ALTER SCHEMA " + TWIN_SCHEMA + " RENAME TO " + EventApplier.LIVE_SCHEMA);
        });
    }

    /**
     * Drops the swapped-out views, after the swap and with the live consumer running. Inside the swap's transaction the
     * drop locked every old table until the commit, and every query naming a view waited for it (1.0 s of a million
     * events' views, docs/benchmarks.md run Z12); here it waits only for queries still reading the old tables, and
     * holds up neither the live views nor their consumer. It waits for them at most {@code oldViewsLockWait}, so that
     * a long reader of the old views does not hold the operator's answer for the bulk timeout; then the rebuild stands,
     * the report says the old views are left, and the next rebuild drops them.
     */
    private boolean dropRetired() {
        long started = System.nanoTime();
        try {
            transaction.run(() -> {
                jdbc.execute("SET LOCAL lock_timeout = " + oldViewsLockWait.toMillis());
                jdbc.execute("DROP SCHEMA " + RETIRED_SCHEMA + " CASCADE");
            });
            log.info("Dropped the swapped-out views in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
            return true;
        } catch (DataAccessException e) {
            log.warn("The rebuilt views are in place; the old ones, schema {}, could not be dropped ({}) and are left "
                    + "to the next rebuild", RETIRED_SCHEMA, e.getMessage());
            return false;
        }
    }

    private KafkaConsumer<String, byte[]> replayConsumer() {
        return ReplayConsumers.open(properties, "projection-rebuild");
    }


}
