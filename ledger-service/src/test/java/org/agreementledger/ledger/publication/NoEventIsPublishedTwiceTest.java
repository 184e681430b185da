package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publisher crashed after Kafka committed a batch but before its token was stored: on restart it processes the
 * batch again, finds it on the topic and does not send it twice.
 */
class NoEventIsPublishedTwiceTest extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EventProcessingConfiguration processing;

    @Autowired
    MeterRegistry meters;

    @Test
    void eventsKafkaCommittedBeforeACrashAreNotPublishedAgainAfterTheRestart() throws Exception {
        LedgerHttp guatemala = as(port, "GT");
        String first = offer(guatemala);
        awaitOnTopic(first, 1);
        awaitProgressCovering(first);
        StreamingEventProcessor publisher = processing
                .eventProcessor(PublisherProcessor.NAME, StreamingEventProcessor.class).orElseThrow();
        publisher.shutDown();
        // what the database held at this moment: the token and the offsets it was stored with
        Map<String, Object> token = jdbc.queryForMap(
                "SELECT token, tokentype FROM tokenentry WHERE processorname = ?", PublisherProcessor.NAME);
        List<Map<String, Object>> offsets = jdbc.queryForList(
                "SELECT kafka_partition, next_offset FROM published_offset WHERE topic = ?", TOPIC);
        publisher.start();

        String second = offer(guatemala);
        LedgerHttp unitedStates = as(port, "US");
        amend(unitedStates, first);
        amend(unitedStates, first);
        awaitOnTopic(second, 1);
        awaitOnTopic(first, 3);
        awaitProgressCovering(second);

        // the crash: Kafka has these events, the database never learnt it
        publisher.shutDown();
        jdbc.update("UPDATE tokenentry SET token = ?, tokentype = ? WHERE processorname = ?",
                token.get("token"), token.get("tokentype"), PublisherProcessor.NAME);
        jdbc.update("DELETE FROM published_offset WHERE topic = ?", TOPIC);
        offsets.forEach(row -> jdbc.update("INSERT INTO published_offset (topic, kafka_partition, next_offset) VALUES (?, ?, ?)",
                TOPIC, row.get("kafka_partition"), row.get("next_offset")));
        double skippedBefore = skipped();
        publisher.start();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (skipped() < skippedBefore + 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(skipped() - skippedBefore).as("events found on the topic and not sent again").isEqualTo(3);
        String third = offer(guatemala);
        awaitOnTopic(third, 1);
        assertThat(sequencesOnTopic(first)).containsExactly("0", "1", "2");
        assertThat(sequencesOnTopic(second)).containsExactly("0");
    }

    private double skipped() {
        return meters.find("ledger.events.republish.skipped").counter().count();
    }

    private void awaitProgressCovering(String agreementId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Long covered = jdbc.queryForObject("""
                    SELECT count(*) FROM domainevententry e WHERE e.aggregateidentifier = ? AND e.globalindex >
                        coalesce((SELECT last_position FROM publication_progress WHERE topic = ?), -1)""",
                    Long.class, agreementId, TOPIC);
            if (covered == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("publication progress never covered " + agreementId);
    }

    private void awaitOnTopic(String agreementId, int events) {
        assertThat(TopicReader.awaitRecords(kafka(), TOPIC, r -> agreementId.equals(r.key()), events,
                Duration.ofSeconds(30))).hasSize(events);
    }

    private List<String> sequencesOnTopic(String agreementId) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(kafka(), TOPIC,
                r -> agreementId.equals(r.key()), Integer.MAX_VALUE, Duration.ofSeconds(3));
        return records.stream().map(r -> TopicReader.header(r, EventHeaders.SEQUENCE)).toList();
    }

    private static String offer(LedgerHttp guatemala) {
        return guatemala.ok("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""")
                .get("agreementId").asText();
    }

    private static void amend(LedgerHttp unitedStates, String agreementId) {
        unitedStates.ok("/agreements/" + agreementId + "/amendments", """
                {"party": "US", "amendedOn": "2025-02-06", "title": "Safe third country, amended",
                 "validity": {"from": "2025-02-06"}}""");
    }

    private static String kafka() {
        return SharedTestInfrastructure.get().kafka().bootstrapServers();
    }
}
