package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger with more agreements than one checkpoint may hold: each scheduled run read every head up to the limit and
 * gave up, and on the README stack (millions of agreements) that read ran for a minute under load while its snapshot
 * kept PostgreSQL from pruning the rows every command updates: half the throughput, every other minute.
 */
class ACheckpointOverItsLimitTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "One too many", "offeredOn": "2025-02-03"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    PublishedPosition publishedPosition;

    @Autowired
    LedgerSigningKey key;

    @Autowired
    CheckpointsTopic topic;

    @Test
    void aLedgerOverTheLimitReadsItsHeadsOnceNotAtEveryRun() throws Exception {
        LedgerHttp sv = as(port, "SV");
        sv.post("/agreements", OFFER);
        awaitPublished(sv.post("/agreements", OFFER));
        CheckpointProperties oneAgreement = new CheckpointProperties(Duration.ofHours(1), LedgerTopics.CHECKPOINTS,
                Path.of("unused"), 1, Duration.ofMinutes(1));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CheckpointPublisher publisher = new CheckpointPublisher(new PublishedHeads(jdbc, transactions, oneAgreement, meters),
                publishedPosition, key, oneAgreement, topic, Clock.systemUTC(), meters);

        publisher.periodically();
        publisher.periodically();
        awaitPublished(sv.post("/agreements", OFFER));
        publisher.periodically();

        assertThat(meters.get("ledger.checkpoints.read").tag("heads", "every").timer().count())
                .as("every head read from the event store").isEqualTo(1);
        assertThat(meters.get("ledger.checkpoints.read").tag("heads", "moved").timer().count()).isZero();
        assertThat(publisher.latest()).isEmpty();
        assertThat(meters.get("ledger.checkpoints.last.current").gauge().value())
                .as("the checkpoint alert still fires").isNaN();
    }

    /** Waits until the publisher has had Kafka acknowledge the offer's event. */
    private void awaitPublished(HttpResponse<String> offer) throws InterruptedException {
        assertThat(offer.statusCode()).as(offer.body()).isEqualTo(201);
        String location = offer.headers().firstValue("Location").orElseThrow();
        long index = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry WHERE aggregateidentifier = ?",
                Long.class, location.substring(location.lastIndexOf('/') + 1));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            GapAwareTrackingToken published = publishedPosition.token().orElse(null);
            if (published != null && published.getIndex() >= index && !published.getGaps().contains(index)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the publisher did not reach event " + index);
    }
}
