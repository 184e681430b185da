package org.agreementledger.ledger.faults;

import org.agreementledger.contract.EventHeaders;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
import java.util.ArrayList;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka fails under load, frozen (SIGSTOP: it hangs, connections stay open) and then stopped (SIGKILL and a restart
 * on the same log): commands keep being accepted, and once Kafka is back every acknowledged event is on the topic,
 * in order per agreement, exactly once. The outage lasts {@code faults.kafka-outage} (10 s in the test command,
 * 60 s in the -Pfaults run; docs/reliability.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// its own broker or database is gone after the class: closed now, not kept retrying for the rest of the suite
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaOutageUnderLoadTest {

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("faults.kafka-outage", 10));
    private static final int CLIENTS = 4;
    private static final BrokerProcess KAFKA = new BrokerProcess();
    private static final String TOPIC = "ledger.agreement-events";
    private static final LocalIdentityProvider TOKENS;

    static {
        try {
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("kafka-outage-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        LedgerOnItsOwnKafka.register(registry, "kafka-outage", KAFKA::bootstrapServers, TOKENS);
        registry.add("ledger.kafka.delivery-timeout", () -> "4s");
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @LocalServerPort
    int port;

    private final Set<String> acknowledged = Collections.synchronizedSet(new HashSet<>());

    @Test
    @Order(1)
    void aFrozenBrokerLosesNothingAndDuplicatesNothing() throws Exception {
        Outcome outcome = underLoad(KAFKA::freeze, KAFKA::thaw);
        assertEveryAcknowledgedOfferIsOnTheTopicExactlyOnce("frozen", outcome);
    }

    @Test
    @Order(2)
    void aKilledBrokerLosesNothingAndDuplicatesNothing() throws Exception {
        Outcome outcome = underLoad(KAFKA::kill, KAFKA::start);
        assertEveryAcknowledgedOfferIsOnTheTopicExactlyOnce("killed", outcome);
    }

    private record Outcome(int duringOutage, int total) {
    }

    /** Four clients offer agreements before, during and after an outage of {@link #OUTAGE}. */
    private Outcome underLoad(Runnable fail, Runnable recover) throws Exception {
        LedgerHttp guatemala = LedgerHttp.checked(port, TOKENS.mint("gt", "GT", List.of("ledger.write"), Duration.ofHours(1)));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean inOutage = new AtomicBoolean(false);
        AtomicInteger duringOutage = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                while (running.get()) {
                    HttpResponse<String> response = guatemala.post("/agreements", """
                            {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""");
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                    acknowledged.add(guatemala.json(response).get("agreementId").asText());
                    total.incrementAndGet();
                    if (inOutage.get()) {
                        duringOutage.incrementAndGet();
                    }
                }
                return null;
            });
        }
        Thread.sleep(2_000);
        fail.run();
        inOutage.set(true);
        Thread.sleep(OUTAGE.toMillis());
        inOutage.set(false);
        recover.run();
        Thread.sleep(2_000);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        return new Outcome(duringOutage.get(), total.get());
    }

    private void assertEveryAcknowledgedOfferIsOnTheTopicExactlyOnce(String how, Outcome outcome) {
        assertThat(outcome.duringOutage()).as("commands accepted while Kafka was out").isPositive();
        Set<String> expected = Set.copyOf(acknowledged);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(KAFKA.bootstrapServers(), TOPIC,
                r -> expected.contains(r.key()), expected.size(), Duration.ofSeconds(120));
        Map<String, Integer> copies = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            copies.merge(record.key() + "#" + TopicReader.header(record, EventHeaders.SEQUENCE), 1, Integer::sum);
            if (!"0".equals(TopicReader.header(record, EventHeaders.SEQUENCE))) {
                outOfOrder.add(record.key());
            }
        }
        assertThat(copies.keySet()).as("every acknowledged offer reached the topic").hasSize(expected.size());
        assertThat(copies.values()).as("no event on the topic twice").allMatch(n -> n == 1);
        assertThat(outOfOrder).isEmpty();
        assertThat(TopicReader.awaitRecords(KAFKA.bootstrapServers(), TOPIC, r -> expected.contains(r.key()),
                expected.size() + 1, Duration.ofSeconds(3))).as("nothing more arrives later").hasSize(expected.size());
        System.out.printf("FAULT Kafka %s for %d s under %d clients: %d offers acknowledged (%d during the outage), "
                        + "%d distinct events on the topic, each once%n", how, OUTAGE.toSeconds(), CLIENTS, outcome.total(),
                outcome.duringOutage(), copies.size());
    }
}
