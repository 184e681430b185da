package org.agreementledger.ledger.faults;

import org.agreementledger.contract.EventHeaders;
import org.agreementledger.infra.EmbeddedKafkaCluster;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A three-broker KRaft cluster, the events topic replicated three times with min.insync.replicas 2: one broker is
 * lost under load, publication carries on, and nothing Kafka acknowledged is lost or written twice.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// its own broker or database is gone after the class: closed now, not kept retrying for the rest of the suite
@DirtiesContext
class ABrokerOfThreeFailsTest {

    private static final String TOPIC = "ledger.agreement-events";
    private static final EmbeddedKafkaCluster CLUSTER;
    private static final LocalIdentityProvider TOKENS;

    static {
        try {
            CLUSTER = EmbeddedKafkaCluster.start(Files.createTempDirectory("three-brokers"), 3);
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("three-brokers-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        LedgerOnItsOwnKafka.register(registry, "three-brokers", CLUSTER::bootstrapServers, TOKENS);
        registry.add("ledger.kafka.replication-factor", () -> "3");
    }

    @AfterAll
    static void stopTheCluster() {
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aBrokerLostUnderLoadLosesNothingAcknowledgedAndPublicationContinues() throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            clients.submit(() -> {
                while (running.get()) {
                    HttpResponse<String> response = guatemala.post("/agreements", """
                            {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""");
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                    acknowledged.add(guatemala.json(response).get("agreementId").asText());
                }
                return null;
            });
        }
        Thread.sleep(3_000);
        assertTopicIsReplicatedThreeTimesWithTwoInSync();
        CLUSTER.stop(1);
        int beforeLoss = acknowledged.size();
        Thread.sleep(5_000);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged.size()).as("commands kept being accepted").isGreaterThan(beforeLoss);

        Set<String> expected = Set.copyOf(acknowledged);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(CLUSTER.bootstrapServers(), TOPIC,
                r -> expected.contains(r.key()), expected.size(), Duration.ofSeconds(90));
        Map<String, Integer> copies = new HashMap<>();
        records.forEach(r -> copies.merge(r.key() + "#" + TopicReader.header(r, EventHeaders.SEQUENCE), 1, Integer::sum));
        assertThat(copies).as("every acknowledged offer on the topic").hasSize(expected.size());
        assertThat(copies.values()).as("none twice").allMatch(n -> n == 1);
        System.out.printf("FAULT one of 3 brokers lost under 4 clients: %d offers acknowledged (%d after the loss), "
                + "all on the topic once%n", expected.size(), expected.size() - beforeLoss);
    }

    private void assertTopicIsReplicatedThreeTimesWithTwoInSync() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
            assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            String minInSync = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
            assertThat(minInSync).isEqualTo("2");
        }
    }
}
