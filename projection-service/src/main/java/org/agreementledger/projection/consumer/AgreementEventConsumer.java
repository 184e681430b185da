package org.agreementledger.projection.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads {@code ledger.agreement-events} in a consumer group. Positions live in the projection's own
 * database, committed with the views; Kafka's committed offsets are only a copy for lag tooling.
 * A record that cannot be applied does not fail its batch: the {@link EventApplier} parks it. A batch
 * fails when the database does; the consumer then seeks back to the stored positions and tries again.
 */
@Component
public class AgreementEventConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AgreementEventConsumer.class);
    /** How often an instance with no records to apply looks whether another instance's rebuild swapped the views. */
    static final Duration SWAP_CHECK = Duration.ofSeconds(1);

    private final ConsumerProperties properties;
    private final EventApplier applier;
    private final AtomicReference<KafkaConsumer<String, byte[]>> consumer = new AtomicReference<>();
    private final ReentrantLock batches = new ReentrantLock();
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean reseek;
    /** Since when every attempt to apply a batch fails (null while batches apply), and why: for readiness. */
    private volatile Instant failingSince;
    private volatile String lastFailure;
    /** When the consumer's thread last looked for a swap while idle ({@link System#nanoTime()}); first at once. */
    private long swapCheckedAt = System.nanoTime() - SWAP_CHECK.toNanos();
    private boolean swapCheckFailing;

    private final MeterRegistry meters;

    AgreementEventConsumer(ConsumerProperties properties, EventApplier applier, MeterRegistry meters) {
        this.properties = properties;
        this.applier = applier;
        this.meters = meters;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "agreement-event-consumer");
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer.get();
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * What readiness needs to know of the live consumer: whether it is meant to run, whether its thread is alive, and
     * since when its batches fail (null while they apply).
     */
    public record State(boolean enabled, boolean threadAlive, Instant failingSince, String lastFailure) {
    }

    public State state() {
        Thread current = thread;
        return new State(properties.enabled(), current != null && current.isAlive(), failingSince, lastFailure);
    }

    private void run() {
        Duration backoff = Duration.ofMillis(500);
        while (running) {
            try (KafkaConsumer<String, byte[]> kafka = newConsumer();
                 KafkaClientMetrics metrics = new KafkaClientMetrics(kafka)) {
                // consumer lag per partition (kafka_consumer_fetch_manager_records_lag) and the rest of the client's metrics
                metrics.bindTo(meters);
                consumer.set(kafka);
                kafka.subscribe(List.of(properties.topic()), new SeekToStoredPositions(kafka));
                while (running) {
                    if (reseek) {
                        reseek = false;
                        seekToStoredPositions(kafka, kafka.assignment());
                    }
                    ConsumerRecords<String, byte[]> records = kafka.poll(properties.pollTimeout());
                    if (records.isEmpty()) {
                        noticeSwapsWhileIdle();
                        continue;
                    }
                    List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
                    records.forEach(batch::add);
                    batches.lock();
                    try {
                        if (reseek) {
                            continue;
                        }
                        applier.applyBatch(batch);
                        failingSince = null;
                        lastFailure = null;
                    } finally {
                        batches.unlock();
                    }
                    kafka.commitAsync(copyOfPositions(records), null);
                    backoff = Duration.ofMillis(500);
                }
            } catch (WakeupException e) {
                if (running) {
                    log.warn("Consumer woken up unexpectedly; restarting");
                }
            } catch (RuntimeException e) {
                if (failingSince == null) {
                    failingSince = Instant.now();
                }
                lastFailure = e.toString();
                log.error("Applying events failed; retrying from the stored positions in {}", backoff, e);
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                        ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
            } finally {
                consumer.set(null);
            }
        }
    }

    /**
     * At most once a {@link #SWAP_CHECK}, and only when nothing else holds the live views (a rebuild or a parked
     * event's retry on this instance, which tell the subscribers themselves): blocking here would keep the consumer
     * from polling. A failure is logged, not thrown: the check is not worth a new consumer and a rebalance, and a
     * database that is really gone fails the next batch, which readiness reports.
     */
    private void noticeSwapsWhileIdle() {
        long now = System.nanoTime();
        if (now - swapCheckedAt < SWAP_CHECK.toNanos() || !batches.tryLock()) {
            return;
        }
        swapCheckedAt = now;
        try {
            if (!reseek) {
                applier.noticeSwaps();
            }
            swapCheckFailing = false;
        } catch (DataAccessException e) {
            if (!swapCheckFailing) {
                log.warn("Could not look whether a rebuild swapped the live views: {}", e.getMessage());
            }
            swapCheckFailing = true;
        } finally {
            batches.unlock();
        }
    }

    /**
     * Runs {@code work} while no batch is being applied to the live views, then makes the consumer resume from
     * the positions stored with the views (which {@code work} may have replaced).
     */
    public <T> T whilePaused(java.util.function.Supplier<T> work) {
        batches.lock();
        try {
            T result = work.get();
            reseek = true;
            return result;
        } finally {
            batches.unlock();
        }
    }

    private void seekToStoredPositions(KafkaConsumer<String, byte[]> kafka, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored = applier.storedPositions(properties.topic());
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long offset = stored.get(partition);
            if (offset == null) {
                fromStart.add(partition);
            } else {
                kafka.seek(partition, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            kafka.seekToBeginning(fromStart);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> copyOfPositions(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, properties.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                // a killed instance's partitions go to the others, or to its restart, once its session expires:
                // Kafka's 45 s default kept a restarted projection from consuming for most of a minute
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) properties.sessionTimeout().toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) properties.sessionTimeout().toMillis() / 4,
                ConsumerConfig.CLIENT_ID_CONFIG, "projection-service-" + ProcessHandle.current().pid()),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On every assignment, resume each partition exactly where the views stand. */
    private final class SeekToStoredPositions implements ConsumerRebalanceListener {

        private final KafkaConsumer<String, byte[]> kafka;

        private SeekToStoredPositions(KafkaConsumer<String, byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            seekToStoredPositions(kafka, partitions);
            log.info("Assigned {}; resuming from stored positions", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // positions are already in the database with the views they produced
        }
    }
}
