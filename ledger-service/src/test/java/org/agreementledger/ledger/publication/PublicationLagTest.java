package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.SteppedClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What an operator reads while Kafka is away: how many events wait, and for how long, from an event store of any size.
 * The store here has only the columns the measurement reads.
 */
class PublicationLagTest {

    private static final String TOPIC = "ledger.agreement-events";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private JdbcTemplate jdbc;
    private PublicationStatus status;

    @BeforeEach
    void anEventStoreWithAPublicationPosition() {
        jdbc = new JdbcTemplate(new DriverManagerDataSource(
                SharedTestInfrastructure.get().freshDatabase("publication-lag"), "test", "test"));
        jdbc.execute("CREATE TABLE domainevententry (globalindex bigint PRIMARY KEY, timestamp varchar(255) NOT NULL)");
        jdbc.execute("CREATE TABLE publication_progress (topic varchar(255) PRIMARY KEY, last_position bigint NOT NULL)");
        jdbc.update("INSERT INTO publication_progress VALUES (?, 1000)", TOPIC);
        status = new PublicationStatus(jdbc, new KafkaPublicationProperties("localhost:9092", TOPIC, 6, (short) 1,
                Duration.ofSeconds(30)), meters, new PublicationProperties(Duration.ofSeconds(5)));
    }

    @Test
    void aBacklogIsCountedEventByEventWithTheAgeOfTheNextEventToGoOut() {
        appendEvents(1, 5_000, 1, Instant.now().minusSeconds(120));

        status.measure();

        assertThat(gauge("ledger.publication.lag.events")).isEqualTo(4_000);
        assertThat(gauge("ledger.publication.oldest.unpublished.age")).isCloseTo(120, within(5.0));
    }

    @Test
    void aBacklogTooLargeToCountEverySecondsIsReportedAsTheDistanceInTheGlobalIndexNeverLess() {
        // every other number left out, as rolled-back appends leave them
        appendEvents(1, PublicationStatus.COUNTED_EXACTLY * 3, 2, Instant.now().minusSeconds(600));

        status.measure();

        long highest = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry", Long.class);
        long waiting = jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE globalindex > 1000", Long.class);
        assertThat(waiting).isGreaterThan(PublicationStatus.COUNTED_EXACTLY);
        assertThat(gauge("ledger.publication.lag.events")).isEqualTo(highest - 1000).isGreaterThanOrEqualTo(waiting);
        assertThat(gauge("ledger.publication.oldest.unpublished.age")).isCloseTo(600, within(5.0));
    }

    @Test
    void nothingWaitingIsZeroOnBothGauges() {
        appendEvents(1, 1_000, 1, Instant.now().minusSeconds(60));

        status.measure();

        assertThat(gauge("ledger.publication.lag.events")).isZero();
        assertThat(gauge("ledger.publication.oldest.unpublished.age")).isZero();
    }

    @Test
    void figuresThatStoppedBeingMeasuredTurnThePublicationHealthDownUntilMeasuredAgain() {
        SteppedClock clock = new SteppedClock();
        status = new PublicationStatus(jdbc, new KafkaPublicationProperties("localhost:9092", TOPIC, 6, (short) 1,
                Duration.ofSeconds(30)), meters, Duration.ofSeconds(5), clock);
        appendEvents(1, 1_000, 1, Instant.now());
        status.measure();
        assertThat(status.health().getStatus()).isEqualTo(Status.UP);

        clock.advance(Duration.ofSeconds(29));
        assertThat(status.health().getStatus()).as("within six intervals, and 30 s at least").isEqualTo(Status.UP);
        clock.advance(Duration.ofSeconds(2));
        Health stale = status.health();
        assertThat(stale.getStatus()).isEqualTo(Status.DOWN);
        assertThat(stale.getDetails()).containsKey("stale").containsKey("measuredAt");

        status.measure();
        assertThat(status.health().getStatus()).isEqualTo(Status.UP);
    }

    private void appendEvents(long from, long to, long step, Instant at) {
        jdbc.update("INSERT INTO domainevententry SELECT n, ? FROM generate_series(?, ?, ?) n", at.toString(), from, to, step);
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }
}
