package org.agreementledger.projection.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.EventApplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How far the views are behind the topic, measured from outside the live consumer so that it is there when the
 * consumer fails or has no partitions: every few seconds, on a thread of its own, the end offsets (read_committed,
 * as the consumer reads) from a Kafka client of its own, minus the positions stored with the views. When Kafka or
 * the database does not answer, the last values read stay, and {@link #state()} says since when.
 */
@Component
public class ProjectionLag implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProjectionLag.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);

    private final ConsumerProperties consumer;
    private final LagProperties properties;
    private final EventApplier applier;
    private final MeterRegistry meters;
    private final Map<Integer, Long> ends = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final Set<Integer> gauged = ConcurrentHashMap.newKeySet();
    /** Per lagging partition: the stored position it has not moved from, and since when (for readiness). */
    private final Map<Integer, Stuck> stuck = new ConcurrentHashMap<>();
    /** What was found at a lagging partition's stored position, read once per position (and end). */
    private final Map<Integer, Probe> probes = new ConcurrentHashMap<>();
    private volatile Instant endsReadAt;
    private volatile String kafkaError;
    private volatile String databaseError;
    private ScheduledExecutorService thread;
    private KafkaConsumer<String, byte[]> kafka;

    ProjectionLag(ConsumerProperties consumer, LagProperties properties, EventApplier applier, MeterRegistry meters) {
        this.consumer = consumer;
        this.properties = properties;
        this.applier = applier;
        this.meters = meters;
        Gauge.builder("projection.oldest.unapplied.age.seconds", this, ProjectionLag::oldestUnappliedAgeSeconds)
                .description("Age of the oldest record on the topic not yet applied to the views; 0 when caught up")
                .register(meters);
    }

    /**
     * The first record at or after a stored position: its append time, or null when the offsets up to {@code end} held
     * only transaction markers, which the consumer never stores a position past (the views are then caught up).
     */
    private record Probe(long position, long end, Instant firstUnapplied) {

        boolean markersOnly(long position, long end) {
            return firstUnapplied == null && this.position == position && this.end == end;
        }
    }

    private record Stuck(long position, Instant since) {
    }

    /**
     * What the health endpoint shows: lag per partition (null: unknown), how fresh the end offsets are, the age of the
     * oldest unapplied record (NaN: unknown), and, per lagging partition, since when its stored position has not moved.
     */
    public record State(Map<Integer, Long> lag, Instant endOffsetsReadAt, String kafkaError, String databaseError,
                        double oldestUnappliedAgeSeconds, Map<Integer, Instant> laggingWithoutProgressSince) {

        public long totalLag() {
            return lag.values().stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
        }
    }

    public State state() {
        Map<Integer, Long> lag = new TreeMap<>();
        positions.keySet().forEach(p -> lag.put(p, null));
        ends.keySet().forEach(p -> lag.put(p, null));
        lag.replaceAll((partition, none) -> {
            double value = lag(partition);
            return Double.isNaN(value) ? null : (long) value;
        });
        Map<Integer, Instant> noProgress = new TreeMap<>();
        stuck.forEach((partition, since) -> noProgress.put(partition, since.since()));
        return new State(lag, endsReadAt, kafkaError, databaseError, oldestUnappliedAgeSeconds(), noProgress);
    }

    @Override
    public void start() {
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "projection-lag");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::refresh, 0, properties.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        // the Kafka client belongs to the lag thread: it closes it there
        thread.execute(() -> {
            if (kafka != null) {
                kafka.close(Duration.ofSeconds(1));
                kafka = null;
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null && !thread.isShutdown();
    }

    /** Runs on the lag thread only. */
    void refresh() {
        try {
            Map<Integer, Long> stored = new HashMap<>();
            applier.storedPositions(consumer.topic(), EventApplier.LIVE_SCHEMA).forEach((tp, offset) -> stored.put(tp.partition(), offset));
            positions.putAll(stored);
            databaseError = null;
        } catch (RuntimeException e) {
            databaseError = e.getMessage();
        }
        try {
            readEnds();
            readFirstUnapplied();
            kafkaError = null;
        } catch (RuntimeException e) {
            if (kafkaError == null) {
                log.warn("Cannot read the end offsets of {} for projection.lag; keeping the last known: {}", consumer.topic(), e.toString());
            }
            kafkaError = e.toString();
        }
        positions.keySet().forEach(this::gauge);
        ends.keySet().forEach(this::gauge);
        ends.keySet().forEach(this::watchProgress);
    }

    /** A partition is stuck from the refresh that first saw it lagging at its position until that position moves. */
    private void watchProgress(int partition) {
        double lag = lag(partition);
        Long position = positions.get(partition);
        if (Double.isNaN(lag) || lag == 0 || position == null) {
            stuck.remove(partition);
            return;
        }
        Stuck known = stuck.get(partition);
        if (known == null || known.position() != position) {
            stuck.put(partition, new Stuck(position, Instant.now()));
        }
    }

    private void readEnds() {
        if (kafka == null) {
            kafka = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, consumer.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                    ConsumerConfig.CLIENT_ID_CONFIG, "projection-lag"),
                    new StringDeserializer(), new ByteArrayDeserializer());
        }
        List<PartitionInfo> infos = kafka.partitionsFor(consumer.topic(), KAFKA_TIMEOUT);
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(consumer.topic(), p.partition())).toList();
        Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(partitions, KAFKA_TIMEOUT);
        Map<TopicPartition, Long> latest = kafka.endOffsets(partitions, KAFKA_TIMEOUT);
        // a partition without a stored position is read from its beginning
        beginnings.forEach((tp, offset) -> positions.putIfAbsent(tp.partition(), offset));
        latest.forEach((tp, offset) -> ends.put(tp.partition(), offset));
        endsReadAt = Instant.now();
    }

    /** The append time of the first record at or after each lagging partition's position, read once per position. */
    private void readFirstUnapplied() {
        for (Map.Entry<Integer, Long> entry : ends.entrySet()) {
            int partition = entry.getKey();
            long end = entry.getValue();
            Long position = positions.get(partition);
            if (position == null || position >= end) {
                probes.remove(partition);
                continue;
            }
            Probe known = probes.get(partition);
            if (known != null && known.position() == position && (known.firstUnapplied() != null || known.end() == end)) {
                continue;
            }
            TopicPartition tp = new TopicPartition(consumer.topic(), partition);
            kafka.assign(List.of(tp));
            kafka.seek(tp, position);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                List<ConsumerRecord<String, byte[]>> records = kafka.poll(Duration.ofMillis(200)).records(tp);
                if (!records.isEmpty()) {
                    probes.put(partition, new Probe(position, end, Instant.ofEpochMilli(records.get(0).timestamp())));
                    break;
                }
                if (kafka.position(tp) >= end) {
                    probes.put(partition, new Probe(position, end, null));
                    break;
                }
            }
        }
    }

    private void gauge(int partition) {
        if (gauged.add(partition)) {
            Gauge.builder("projection.lag", this, lag -> lag.lag(partition)).tag("partition", Integer.toString(partition))
                    .description("Records on the topic past the position stored with the views (end offsets refreshed "
                            + "every projection.lag.refresh-interval)")
                    .register(meters);
        }
    }

    private double lag(int partition) {
        Long end = ends.get(partition);
        Long position = positions.get(partition);
        if (end == null || position == null) {
            return Double.NaN;
        }
        Probe probe = probes.get(partition);
        return probe != null && probe.markersOnly(position, end) ? 0 : Math.max(0, end - position);
    }

    private double oldestUnappliedAgeSeconds() {
        if (ends.isEmpty()) {
            return Double.NaN;
        }
        Instant oldest = null;
        for (Integer partition : ends.keySet()) {
            if (lag(partition) > 0) {
                Probe probe = probes.get(partition);
                if (probe == null || probe.firstUnapplied() == null || !positions.get(partition).equals(probe.position())) {
                    return Double.NaN;
                }
                oldest = oldest == null || probe.firstUnapplied().isBefore(oldest) ? probe.firstUnapplied() : oldest;
            }
        }
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }
}
