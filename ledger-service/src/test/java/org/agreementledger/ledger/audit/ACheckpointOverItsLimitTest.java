package org.agreementledger.ledger.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.PlatformTransactionManager;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A ledger with more agreements than one checkpoint may hold: each scheduled run read every head up to the limit and
 * gave up, and on the README stack (millions of agreements) that read ran for a minute under load while its snapshot
 * kept PostgreSQL from pruning the rows every command updates: half the throughput, every other minute. Then only
 * the first run after a start read; now it counts the agreements instead.
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

    @Autowired
    TransparencyLog log;

    @Test
    void aLedgerOverTheLimitCountsItsAgreementsOnceAfterAStartAndReadsNoHead() throws Exception {
        LedgerHttp sv = twoOffersPublished();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CheckpointPublisher publisher = publisher(1, meters);

        publisher.periodically();
        publisher.periodically();
        awaitPublished(sv.post("/agreements", OFFER));
        publisher.periodically();

        assertThat(reads(meters, "counted")).as("counts of the agreements").isEqualTo(1);
        assertThat(reads(meters, "every")).as("every head read from the event store").isZero();
        assertThat(reads(meters, "moved")).isZero();
        assertThat(publisher.latest()).isEmpty();
        assertThat(meters.get("ledger.checkpoints.last.current").gauge().value())
                .as("the checkpoint alert still fires").isNaN();
    }

    @Test
    void aLedgerWithExactlyAsManyAgreementsAsTheLimitStillGetsItsCheckpointAndOneMoreDoesNot() throws Exception {
        awaitPublished(as(port, "SV").post("/agreements", OFFER));
        int agreements = jdbc.queryForObject(
                "SELECT count(DISTINCT aggregateidentifier) FROM domainevententry WHERE sequencenumber = 0", Integer.class);

        SimpleMeterRegistry atTheLimit = new SimpleMeterRegistry();
        CheckpointPublisher enough = publisher(agreements, atTheLimit);
        enough.periodically();
        SimpleMeterRegistry overTheLimit = new SimpleMeterRegistry();
        CheckpointPublisher tooFew = publisher(agreements - 1, overTheLimit);
        tooFew.periodically();

        assertThat(enough.latest()).as("a checkpoint over %d agreements, %d allowed", agreements, agreements).isPresent();
        assertThat(reads(atTheLimit, "every")).isEqualTo(1);
        assertThat(tooFew.latest()).as("%d allowed", agreements - 1).isEmpty();
        assertThat(reads(overTheLimit, "counted")).isEqualTo(1);
        assertThat(reads(overTheLimit, "every")).isZero();
    }

    @Test
    void anOperatorAskingForACheckpointOverTheLimitIsRefusedAtOnceAndToldHowToRaiseIt() throws Exception {
        twoOffersPublished();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MockMvc operator = MockMvcBuilders.standaloneSetup(new CheckpointController(publisher(1, meters), key, log)).build();

        operator.perform(post("/admin/checkpoints"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value(endsWith("/checkpoint-too-large")))
                .andExpect(jsonPath("$.detail").value(containsString("ledger.checkpoints.max-agreements (1)")))
                .andExpect(jsonPath("$.detail").value(containsString("at most 400000")));
        assertThat(reads(meters, "every")).as("every head read from the event store").isZero();
    }

    @Test
    void aKeyRotatedOverTheLimitIsRotatedAllTheSame(@TempDir Path keys) throws Exception {
        twoOffersPublished();
        CheckpointProperties ownKeys = new CheckpointProperties(Duration.ofHours(1), LedgerTopics.CHECKPOINTS, keys, 1,
                Duration.ofMinutes(1));
        LedgerSigningKey signingKey = new LedgerSigningKey(ownKeys, Clock.systemUTC());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CheckpointPublisher overTheLimit = new CheckpointPublisher(new PublishedHeads(jdbc, transactions, ownKeys, meters),
                publishedPosition, signingKey, ownKeys, topic, Clock.systemUTC(), meters);
        MockMvc operator = MockMvcBuilders.standaloneSetup(new CheckpointController(overTheLimit, signingKey, log)).build();

        operator.perform(post("/admin/keys/rotation"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.keys.length()").value(2));
        assertThat(overTheLimit.latest()).isEmpty();
    }

    private CheckpointPublisher publisher(int maxAgreements, SimpleMeterRegistry meters) {
        CheckpointProperties properties = new CheckpointProperties(Duration.ofHours(1), LedgerTopics.CHECKPOINTS,
                Path.of("unused"), maxAgreements, Duration.ofMinutes(1));
        return new CheckpointPublisher(new PublishedHeads(jdbc, transactions, properties, meters),
                publishedPosition, key, properties, topic, Clock.systemUTC(), meters);
    }

    private static long reads(SimpleMeterRegistry meters, String heads) {
        return meters.get("ledger.checkpoints.read").tag("heads", heads).timer().count();
    }

    /** Two offers more in the ledger, the second's event acknowledged by Kafka (and so the first's). */
    private LedgerHttp twoOffersPublished() throws Exception {
        LedgerHttp sv = as(port, "SV");
        sv.post("/agreements", OFFER);
        awaitPublished(sv.post("/agreements", OFFER));
        return sv;
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
