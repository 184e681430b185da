package org.agreementledger.projection.parking;

import org.agreementledger.projection.consumer.ParkedEvent;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.EventApplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Applies parked events again once a fix is deployed: reads them back from the topic (which keeps every record) and
 * hands them, in the order they were consumed, to the {@link EventApplier}, with the live consumer paused so that no
 * batch of the same agreements runs in between. However many are parked (a faulty release can park every event), it
 * works in rounds of whole agreements, {@value #AGREEMENTS_A_ROUND} at a time, so that memory, a round's transaction
 * and the live consumer's pause stay bounded; records that name no agreement go last, in rounds of their own.
 */
@Component
class ParkedEventRetry {

    private static final Logger log = LoggerFactory.getLogger(ParkedEventRetry.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final int AGREEMENTS_A_ROUND = 1_000;
    private static final int UNATTRIBUTED_A_ROUND = 10_000;

    private final ParkedEvents parked;
    private final EventApplier applier;
    private final AgreementEventConsumer live;
    private final ConsumerProperties properties;
    private final int agreementsARound;

    @Autowired
    ParkedEventRetry(ParkedEvents parked, EventApplier applier, AgreementEventConsumer live, ConsumerProperties properties) {
        this(parked, applier, live, properties, AGREEMENTS_A_ROUND);
    }

    ParkedEventRetry(ParkedEvents parked, EventApplier applier, AgreementEventConsumer live, ConsumerProperties properties,
                     int agreementsARound) {
        this.parked = parked;
        this.applier = applier;
        this.live = live;
        this.properties = properties;
        this.agreementsARound = agreementsARound;
    }

    /** What a retry did. {@code notOnTopic}: parked records the topic did not return (they stay parked). */
    record Outcome(int retried, long applied, long stillParked, List<String> released, List<String> stillHeld,
                   List<String> notOnTopic) {

        static final Outcome NONE = new Outcome(0, 0, 0, List.of(), List.of(), List.of());

        Outcome and(Outcome next) {
            return new Outcome(retried + next.retried, applied + next.applied, stillParked + next.stillParked,
                    concat(released, next.released), concat(stillHeld, next.stillHeld), concat(notOnTopic, next.notOnTopic));
        }

        private static List<String> concat(List<String> first, List<String> second) {
            return second.isEmpty() ? first : Stream.concat(first.stream(), second.stream()).toList();
        }
    }

    /** The topic could not be read: nothing of the round was retried (earlier rounds were). */
    static final class TopicUnavailable extends RuntimeException {
        TopicUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Outcome retry(Optional<String> agreementId) {
        if (agreementId.isPresent()) {
            return live.whilePaused(() -> round(parked.of(agreementId.get())));
        }
        Outcome outcome = Outcome.NONE;
        // those held when it starts: while a fault still parks new agreements, a retry must not chase them for ever
        String until = parked.lastHeld().orElse("");
        String after = null;
        List<String> agreements;
        while (!(agreements = parked.agreementsBetween(after, until, agreementsARound)).isEmpty()) {
            List<String> these = agreements;
            // listed while paused: a record parked behind them meanwhile would stay parked after their release
            outcome = outcome.and(live.whilePaused(() -> round(parked.ofAgreements(these))));
            after = agreements.get(agreements.size() - 1);
        }
        // as many as there were when it started, for the same reason
        ParkedEvent last = null;
        for (long left = parked.unattributed(); left > 0; ) {
            List<ParkedEvent> unattributed = parked.unattributedAfter(last, (int) Math.min(left, UNATTRIBUTED_A_ROUND));
            if (unattributed.isEmpty()) {
                break;
            }
            outcome = outcome.and(live.whilePaused(() -> round(unattributed)));
            last = unattributed.get(unattributed.size() - 1);
            left -= unattributed.size();
        }
        log.info("Retried {} parked records: {}", outcome.retried(), outcome);
        return outcome;
    }

    /** Applies {@code toRetry} again, every parked record of the agreements it names, in the order they were consumed. */
    private Outcome round(List<ParkedEvent> toRetry) {
        List<ConsumerRecord<String, byte[]>> records = read(toRetry);
        Set<String> returned = records.stream().map(r -> position(r.topic(), r.partition(), r.offset()))
                .collect(Collectors.toSet());
        List<ParkedEvent> missing = toRetry.stream()
                .filter(p -> !returned.contains(position(p.topic(), p.partition(), p.offset()))).toList();
        Set<String> agreements = toRetry.stream().map(ParkedEvent::agreementId).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        // an agreement with a record the topic did not return stays held, so its later records stay parked
        Set<String> releasing = new TreeSet<>(agreements);
        missing.forEach(p -> releasing.remove(p.agreementId()));
        long stillParked = records.isEmpty() ? 0 : applier.retryParked(records, releasing);
        Set<String> held = parked.heldOf(agreements).keySet();
        return new Outcome(toRetry.size(), records.size() - stillParked, stillParked + missing.size(),
                agreements.stream().filter(a -> !held.contains(a)).toList(),
                agreements.stream().filter(held::contains).toList(),
                missing.stream().map(p -> position(p.topic(), p.partition(), p.offset())).toList());
    }

    private static String position(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    /** The parked records from the topic, in the order they were consumed: each partition read once, first to last. */
    private List<ConsumerRecord<String, byte[]>> read(List<ParkedEvent> toRetry) {
        Map<TopicPartition, TreeSet<Long>> wanted = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        toRetry.forEach(p -> wanted.computeIfAbsent(new TopicPartition(p.topic(), p.partition()), tp -> new TreeSet<>())
                .add(p.offset()));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        if (wanted.isEmpty()) {
            return records;
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "projection-parked-retry"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            for (Map.Entry<TopicPartition, TreeSet<Long>> partition : wanted.entrySet()) {
                TopicPartition tp = partition.getKey();
                TreeSet<Long> offsets = partition.getValue();
                consumer.assign(List.of(tp));
                long end = Math.min(consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp), offsets.last() + 1);
                consumer.seek(tp, offsets.first());
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (offsets.contains(record.offset())) {
                            records.add(record);
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            throw new TopicUnavailable("could not read the parked records from " + wanted.keySet() + ": " + e.getMessage(), e);
        }
        return records;
    }
}
