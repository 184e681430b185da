package org.agreementledger.projection.country;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the compacted topic {@code ledger.country-commitments} current: the latest commitments view of each country
 * an applied event concerned, as JSON keyed by the country's code. Dashboards that read Kafka directly get every
 * country's current view from the topic alone. Views are published from a thread of their own, at most once every
 * few seconds per country, so that a busy country does not slow the projection down.
 */
@Component
public class CountryCommitmentsTopic implements AppliedBatchListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CountryCommitmentsTopic.class);

    /** A country with many agreements is an expensive view: publish each at most this often. */
    private static final long PUBLISH_INTERVAL_SECONDS = 5;

    private final CountryCommitmentsView view;
    private final String topic;
    private final String bootstrapServers;
    private volatile Producer<String, byte[]> producer;
    private final java.util.Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService publisher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "country-commitments-publisher");
                thread.setDaemon(true);
                return thread;
            });

    CountryCommitmentsTopic(CountryCommitmentsView view, ConsumerProperties consumer,
                            @Value("${projection.country-commitments-topic:ledger.country-commitments}") String topic) {
        this.view = view;
        this.topic = topic;
        this.bootstrapServers = consumer.bootstrapServers();
        publisher.scheduleWithFixedDelay(this::publishPending, 1, PUBLISH_INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void applied(List<FeedItem> items) {
        items.forEach(item -> pending.addAll(item.parties()));
    }

    /** Publishes the new view of every country with news; after a failure they are tried again on the next round. */
    private void publishPending() {
        TreeSet<String> countries = new TreeSet<>(pending);
        if (countries.isEmpty()) {
            return;
        }
        pending.removeAll(countries);
        try {
            Producer<String, byte[]> kafka = producer();
            for (String country : countries) {
                byte[] json = LedgerJson.mapper().writeValueAsBytes(view.now(country));
                kafka.send(new ProducerRecord<>(topic, country, json));
            }
            kafka.flush();
        } catch (JsonProcessingException | RuntimeException e) {
            pending.addAll(countries);
            log.warn("Could not publish the commitments of {} to {}: {}", countries, topic, e.toString());
        }
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            ensureCompactedTopic();
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                    ProducerConfig.CLIENT_ID_CONFIG, "projection-country-commitments"),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void ensureCompactedTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
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
