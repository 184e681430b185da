package org.agreementledger.projection.asof;

import org.agreementledger.projection.consumer.BulkTransactions;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.EventApplier;
import org.agreementledger.projection.consumer.ReplayConsumers;
import org.agreementledger.projection.consumer.ViewSchemas;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Answers a query as of a point in the log, from the same events and the same projectors as the live views: the
 * topic is replayed up to that point into a scratch schema, the query runs against it, the schema is dropped.
 * It reads the whole topic, so it is meant for audits and investigations, not for dashboards.
 */
@Component
public class AsOfViews {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final EventApplier applier;
    private final ConsumerProperties properties;
    private final ViewSchemas schemas;
    private final BulkTransactions bulk;

    /**
     * The heavy reads one instance runs at once: as-of replays (each reads the whole topic) and the audit views
     * (each holds a connection while its client reads); beyond, a request is refused rather than queued, so that
     * the consumer keeps its connections and its cores.
     */
    private final Semaphore heavyReads;
    private final int maxHeavyReads;

    /** More heavy reads are asked for than the instance runs at once: refused, to be asked again later. */
    public static final class Busy extends RuntimeException {
        Busy(int max) {
            super("This instance already runs " + max + " as-of replays or audit views, its most "
                    + "(projection.as-of.max-concurrent); try again later.");
        }
    }

    AsOfViews(JdbcTemplate jdbc, TransactionTemplate transaction, EventApplier applier, ConsumerProperties properties,
              ViewSchemas schemas, BulkTransactions bulk, AsOfProperties asOf) {
        this.maxHeavyReads = asOf.maxConcurrent();
        this.heavyReads = new Semaphore(maxHeavyReads);
        this.schemas = schemas;
        this.bulk = bulk;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.applier = applier;
        this.properties = properties;
    }

    /**
     * The answer now, or as of the point in the log the request names: one query for both, read from the live views
     * or from a scratch schema. A malformed point is refused (400) before anything is replayed.
     */
    public <T> T answer(PointInLog point, Supplier<T> query) {
        return answer(point, query, query);
    }

    /** The same, with {@code now} for the live views (e.g. in a snapshot transaction of their own). */
    public <T> T answer(PointInLog point, Supplier<T> asOf, Supplier<T> now) {
        Optional<AsOf> parsed = AsOf.parse(point.asOf(), point.position());
        return parsed.isPresent() ? heavy(() -> query(parsed.get(), asOf)) : now.get();
    }

    /**
     * Runs a heavy read if fewer than {@code projection.as-of.max-concurrent} run.
     *
     * @throws Busy if as many already run
     */
    public <T> T heavy(Supplier<T> read) {
        if (!heavyReads.tryAcquire()) {
            throw new Busy(maxHeavyReads);
        }
        try {
            return read.get();
        } finally {
            heavyReads.release();
        }
    }

    private <T> T query(AsOf asOf, Supplier<T> query) {
        String schema = "asof_" + UUID.randomUUID().toString().replace("-", "");
        try {
            ViewSchemas.DeferredIndexes indexes = schemas.createScratchForBulkLoad(schema);
            replay(asOf, schema);
            schemas.buildIndexes(indexes);
            return transaction.execute(status -> {
                jdbc.execute("SET LOCAL search_path TO " + schema + ", public");
                return query.get();
            });
        } finally {
            bulk.run(() -> jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
        }
    }

    private void replay(AsOf asOf, String schema) {
        try (KafkaConsumer<String, byte[]> consumer = ReplayConsumers.open(properties, "projection-as-of")) {
            List<TopicPartition> partitions = consumer.partitionsFor(properties.topic()).stream()
                    .map(p -> new TopicPartition(properties.topic(), p.partition())).toList();
            asOf.requirePartitionsWithin(partitions.size());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                ReplayConsumers.pauseFinished(consumer, ends);
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition())) && asOf.includes(record)) {
                        batch.add(record);
                    }
                }
                if (!batch.isEmpty()) {
                    applier.applyBatch(batch, schema);
                }
            }
        }
    }
}
