package org.agreementledger.benchmarks;

import org.agreementledger.contract.LedgerTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the ledger has published every event it appended and the projection has consumed every
 * published record. On two cores a backlog left by one phase would otherwise steal CPU from the next.
 */
final class PipelineDrain implements AutoCloseable {

    /** projection.kafka.group-id in projection-service's application.yml; the local stack keeps it. */
    static final String PROJECTION_GROUP = "projection-service";
    /** A backlog that has not shrunk for this long will not: a service is stuck, and waiting longer is pointless. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    record Backlog(long appended, long published, long consumed, int partitions) {
        boolean drained() {
            // Greater-or-equal: a publication batch retried after a failure may publish an event twice. The end
            // offsets count the publisher's transaction markers; the projection's offsets stop before a marker that no
            // record follows (after a restart of the ledger, an abort marker on every partition): one per partition.
            return published >= appended && consumed + partitions >= published;
        }
    }

    private final Connection ledgerDb;
    private final Admin admin;
    private final List<TopicPartition> partitions = new ArrayList<>();

    PipelineDrain(String ledgerJdbcUrl, String kafkaBootstrap) throws Exception {
        ledgerDb = DriverManager.getConnection(ledgerJdbcUrl, RawBaselines.DB_USER, RawBaselines.DB_PASSWORD);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap));
        TopicDescription topic = admin.describeTopics(List.of(LedgerTopics.AGREEMENT_EVENTS)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(LedgerTopics.AGREEMENT_EVENTS);
        for (TopicPartitionInfo partition : topic.partitions()) {
            partitions.add(new TopicPartition(LedgerTopics.AGREEMENT_EVENTS, partition.partition()));
        }
    }

    Backlog backlog() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long published = 0;
        for (ListOffsetsResult.ListOffsetsResultInfo end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
            published += end.offset();
        }
        // The projection's positions live in its own database; the group's offsets are its copy of them.
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(PROJECTION_GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long consumed = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumed += offset.offset();
            }
        }
        return new Backlog(appendedEvents(), published, consumed, partitions.size());
    }

    /**
     * Blocks until the backlog is gone, reporting progress. However long a moving backlog takes, it is waited
     * for; one that stops moving is reported as a warning and the benchmark goes on.
     */
    void await() throws Exception {
        long start = System.nanoTime();
        long lastReport = start;
        long lastMove = start;
        Backlog backlog = backlog();
        while (!backlog.drained()) {
            Thread.sleep(250);
            Backlog previous = backlog;
            backlog = backlog();
            long now = System.nanoTime();
            if (backlog.published() != previous.published() || backlog.consumed() != previous.consumed()) {
                lastMove = now;
            } else if (now - lastMove > STALL_TIMEOUT.toNanos()) {
                LedgerBenchmark.progress("WARNING: the pipeline has not moved for %d s (%s); see the services' logs"
                        + " (--keep-data keeps them). Measuring anyway.", STALL_TIMEOUT.toSeconds(), describe(backlog));
                return;
            }
            if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                LedgerBenchmark.progress("  waiting for the pipeline to drain: %s", describe(backlog));
                lastReport = now;
            }
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (waitedMs > 1000) {
            LedgerBenchmark.progress("  pipeline drained after %.1f s", waitedMs / 1000.0);
        }
    }

    private static String describe(Backlog backlog) {
        return Math.max(0, backlog.appended() - backlog.published()) + " events not yet published, "
                + Math.max(0, backlog.published() - backlog.consumed()) + " records not yet projected";
    }

    private long appendedEvents() throws SQLException {
        try (Statement statement = ledgerDb.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM domainevententry")) {
            result.next();
            return result.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        admin.close(Duration.ofSeconds(5));
        ledgerDb.close();
    }
}
