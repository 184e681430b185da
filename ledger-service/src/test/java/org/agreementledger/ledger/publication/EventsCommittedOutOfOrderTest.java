package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent commands commit in another order than their store positions were taken: the publisher reads a later
 * event first and the earlier one when its transaction commits, below the highest position it has published. That is
 * not a rewind of the processor, and must not cost a new transactional producer and a read of the topic's tail each
 * time (under 16 clients it held publication 0.2-0.8 s behind the commands).
 */
class EventsCommittedOutOfOrderTest extends LedgerIntegrationTest {

    private static final int CLIENTS = 8;
    private static final int OFFERS_EACH = 40;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void eventsCommittedOutOfOrderArePublishedOnceEachWithoutRestartingThePublisher() throws Exception {
        LedgerHttp guatemala = as(port, "GT");
        String first = offer(guatemala);
        awaitOnTopic(Set.of(first));
        double startsBefore = producerStarts();

        Set<String> offered = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                LedgerHttp client = as(port, "GT");
                running.add(clients.submit(() -> {
                    for (int i = 0; i < OFFERS_EACH; i++) {
                        offered.add(offer(client));
                    }
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            clients.shutdownNow();
        }

        List<ConsumerRecord<String, byte[]>> published = awaitOnTopic(offered);
        assertThat(published).extracting(ConsumerRecord::key).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(offered);
        assertThat(producerStarts() - startsBefore).as("transactional producers started for the burst").isZero();
    }

    private double producerStarts() {
        return meters.find("ledger.publication.producer.starts").counter().count();
    }

    private static List<ConsumerRecord<String, byte[]>> awaitOnTopic(Set<String> agreementIds) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC, r -> agreementIds.contains(r.key()),
                agreementIds.size(), Duration.ofSeconds(60));
        assertThat(records).hasSize(agreementIds.size());
        return records;
    }

    private static String offer(LedgerHttp guatemala) {
        return guatemala.ok("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""")
                .get("agreementId").asText();
    }
}
