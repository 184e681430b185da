package org.agreementledger.projection.country;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.projection.consumer.AppliedBatchListener;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.FeedItem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the compacted topic {@code ledger.country-commitments} current: the latest commitments view of each country
 * an applied event concerned, as JSON keyed by the country's code. Dashboards that read Kafka directly get every
 * country's current view from the topic alone. Views are published from a thread of their own, at most once every
 * few seconds per country, so that a busy country does not slow the projection down. Each record's delivery is
 * checked: a country whose view was not acknowledged is tried again on the next round, one whose view is over the
 * topic's bound (or over the commitments one view lists) is reported and left until its next event; both show in the metrics and in the {@code commitmentsTopic}
 * health component.
 */
@Component("commitmentsTopic")
public class CountryCommitmentsTopic implements AppliedBatchListener, HealthIndicator, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CountryCommitmentsTopic.class);

    /** A country with many agreements is an expensive view: publish each at most this often. */
    private static final long PUBLISH_INTERVAL_SECONDS = 5;

    /** The largest view published, as JSON: the producer's {@code max.request.size} and the topic's {@code max.message.bytes}. */
    static final int MAX_VIEW_BYTES = 4 * 1024 * 1024;

    private final CountryCommitmentsView view;
    private final String topic;
    private final String bootstrapServers;
    private volatile Producer<String, byte[]> producer;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, Object>> tooLarge = new ConcurrentSkipListMap<>();
    private final Counter published;
    private final Counter failed;
    private final Counter oversized;
    private volatile Instant lastPublishedAt;
    private volatile Instant failingSince;
    private volatile String lastFailure;
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "country-commitments-publisher");
        thread.setDaemon(true);
        return thread;
    });

    CountryCommitmentsTopic(CountryCommitmentsView view, ConsumerProperties consumer, MeterRegistry meters,
                            CommitmentsTopicProperties properties) {
        this.view = view;
        this.topic = properties.countryCommitmentsTopic();
        this.bootstrapServers = consumer.bootstrapServers();
        this.published = Counter.builder("projection.commitments.topic.published")
                .description("Country views the compacted topic acknowledged").register(meters);
        this.failed = Counter.builder("projection.commitments.topic.failures").tag("reason", "error")
                .description("Country views not published (tried again on the next round, or over the bound)")
                .register(meters);
        this.oversized = Counter.builder("projection.commitments.topic.failures").tag("reason", "too-large")
                .description("Country views not published (tried again on the next round, or over the bound)")
                .register(meters);
        Gauge.builder("projection.commitments.topic.pending", pending, Set::size)
                .description("Countries whose latest view is still to be published").register(meters);
        publisher.scheduleWithFixedDelay(this::publishPending, 1, PUBLISH_INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void applied(List<FeedItem> items) {
        items.forEach(item -> pending.addAll(item.parties()));
    }

    /**
     * Publishes the new view of every country with news. Nothing may escape: a throw would end the schedule, and the
     * topic would silently stop.
     */
    private void publishPending() {
        TreeSet<String> countries = new TreeSet<>(pending);
        if (countries.isEmpty()) {
            return;
        }
        pending.removeAll(countries);
        Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        Set<String> overTheBound = new java.util.HashSet<>();
        Throwable failure = null;
        try {
            Producer<String, byte[]> kafka = producer();
            for (String country : countries) {
                Bounded json = new Bounded();
                try {
                    LedgerJson.mapper().writeValue(json, view.now(country));
                } catch (CountryCommitmentsView.TooLarge e) {
                    overTheBound(country, Map.of("commitments", e.commitments()), e.getMessage());
                    overTheBound.add(country);
                    continue;
                }
                if (json.size > MAX_VIEW_BYTES) {
                    overTheBound(country, Map.of("viewBytes", json.size), "its view is " + json.size
                            + " bytes of JSON, over the " + MAX_VIEW_BYTES + " bytes the topic takes");
                    overTheBound.add(country);
                    continue;
                }
                tooLarge.remove(country);
                sent.put(country, kafka.send(new ProducerRecord<>(topic, country, json.kept.toByteArray())));
            }
            kafka.flush();
        } catch (Throwable e) {
            failure = e;
        }
        for (String country : countries) {
            Future<RecordMetadata> delivery = sent.get(country);
            if (delivery == null) {
                if (failure != null && !overTheBound.contains(country)) {
                    pending.add(country);
                    failed.increment();
                }
                continue;
            }
            try {
                delivery.get(10, TimeUnit.SECONDS);
                published.increment();
            } catch (ExecutionException e) {
                failure = e.getCause();
                pending.add(country);
                failed.increment();
            } catch (Exception e) {
                failure = e;
                pending.add(country);
                failed.increment();
            }
        }
        if (failure == null) {
            lastPublishedAt = Instant.now();
            failingSince = null;
            lastFailure = null;
        } else {
            failingSince = failingSince == null ? Instant.now() : failingSince;
            lastFailure = failure.toString();
            log.warn("Could not publish the commitments of {} to {}: {}", countries, topic, failure.toString());
        }
    }

    private void overTheBound(String country, Map<String, Object> size, String why) {
        tooLarge.put(country, size);
        oversized.increment();
        log.warn("The commitments of {} are not published to {}: {}", country, topic, why);
    }

    /**
     * {@code DEGRADED} while publications fail or a view is over the bound (the views themselves are current: this
     * component is not part of readiness), else {@code UP}.
     */
    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", topic);
        details.put("pendingCountries", pending.size());
        details.put("lastPublishedAt", lastPublishedAt);
        if (failingSince != null) {
            details.put("failingSince", failingSince);
            details.put("lastFailure", lastFailure);
        }
        if (!tooLarge.isEmpty()) {
            details.put("overTheBound", Map.copyOf(tooLarge));
            details.put("maxViewBytes", MAX_VIEW_BYTES);
            details.put("maxCommitments", CountryCommitmentsView.MAX_COMMITMENTS_LISTED);
        }
        boolean degraded = failingSince != null || !tooLarge.isEmpty();
        return Health.status(degraded ? new Status("DEGRADED") : Status.UP).withDetails(details).build();
    }

    /** Keeps a view's JSON up to the bound and only counts beyond it: an oversized view costs no more than the bound. */
    private static final class Bounded extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long size;

        @Override
        public void write(int b) {
            if (size++ < MAX_VIEW_BYTES) {
                kept.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (size < MAX_VIEW_BYTES) {
                kept.write(bytes, offset, (int) Math.min(length, MAX_VIEW_BYTES - size));
            }
            size += length;
        }
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            ensureCompactedTopic();
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_VIEW_BYTES + 64 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                    ProducerConfig.CLIENT_ID_CONFIG, "projection-country-commitments"),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void ensureCompactedTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_VIEW_BYTES + 64 * 1024)))))
                    .all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic, e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + topic, e);
        }
    }

    @Override
    public void destroy() {
        publisher.shutdownNow();
        if (producer != null) {
            producer.close();
        }
    }
}
