package org.agreementledger.ledger.publication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far publication is behind the event store, and whether Kafka refuses an event for good. Measured from the
 * database on its own schedule, so the figures exist, and stay true, whether Kafka is up or not; the health says
 * DOWN while a record is refused (the publisher keeps retrying it: order per agreement forbids skipping it), and when
 * the figures have not been measured for a while. Whether the publisher itself runs is the {@code processors}
 * component's to say.
 */
@Component("publication")
class PublicationStatus implements HealthIndicator {

    /** NaN figures: not known yet (no batch published since this version was installed). */
    private record Lag(double events, double oldestAgeSeconds, Instant measuredAt) {
    }

    private record Failure(String kind, String message, String event, Instant at, boolean permanent) {
    }

    /**
     * Up to this many unpublished events are counted one by one; beyond it the lag is the distance in the global index
     * (an upper bound: the numbers of rolled-back appends count too). Counting tens of millions every few seconds,
     * during the very outage that made them, outlasted the statement timeout and left the gauge frozen.
     */
    static final long COUNTED_EXACTLY = 100_000;

    private final JdbcTemplate jdbc;
    private final KafkaPublicationProperties properties;
    private final MeterRegistry meters;
    private final AtomicReference<Lag> lag = new AtomicReference<>(new Lag(0, 0, null));
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final Duration staleAfter;
    private final Clock clock;
    private final Instant created;

    @Autowired
    PublicationStatus(JdbcTemplate jdbc, KafkaPublicationProperties properties, MeterRegistry meters,
                      PublicationProperties publication) {
        this(jdbc, properties, meters, publication.lagInterval(), Clock.systemUTC());
    }

    PublicationStatus(JdbcTemplate jdbc, KafkaPublicationProperties properties, MeterRegistry meters, Duration interval,
                      Clock clock) {
        this.clock = clock;
        this.created = clock.instant();
        this.jdbc = jdbc;
        this.properties = properties;
        this.meters = meters;
        // six missed measurements, and never less than 30 s: a slow database is not yet a stopped measurement
        this.staleAfter = interval.multipliedBy(6).compareTo(Duration.ofSeconds(30)) > 0
                ? interval.multipliedBy(6) : Duration.ofSeconds(30);
        Gauge.builder("ledger.publication.lag.events", () -> lag.get().events())
                .description("Events in the event store that Kafka has not committed yet").register(meters);
        Gauge.builder("ledger.publication.oldest.unpublished.age", () -> lag.get().oldestAgeSeconds())
                .description("Age of the oldest event not yet on the topic (0 when none)").baseUnit("seconds")
                .register(meters);
        Gauge.builder("ledger.publication.refused", () -> {
                    Failure last = failure.get();
                    return last != null && last.permanent() ? 1 : 0;
                })
                .description("1 while Kafka refuses an event for good (too large, not authorised); see /actuator/health")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${ledger.publication.lag-interval:5s}", initialDelay = 1_000)
    void measure() {
        try {
            Long published = jdbc.query("SELECT last_position FROM publication_progress WHERE topic = ?",
                    rs -> rs.next() ? rs.getLong(1) : null, properties.topic());
            Long appended = jdbc.queryForObject("SELECT max(globalindex) FROM domainevententry", Long.class);
            if (published == null && appended != null) {
                // upgraded from a version without publication_progress: unknown until the next batch is published
                lag.set(new Lag(Double.NaN, Double.NaN, clock.instant()));
                return;
            }
            long after = published == null ? -1 : published;
            long events = jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM domainevententry WHERE globalindex > ?"
                    + " ORDER BY globalindex LIMIT " + (COUNTED_EXACTLY + 1) + ") unpublished", Long.class, after);
            if (events > COUNTED_EXACTLY && appended != null) {
                events = appended - after;
            }
            String oldest = jdbc.query("SELECT timestamp FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT 1",
                    rs -> rs.next() ? rs.getString(1) : null, after);
            double age = oldest == null ? 0
                    : Math.max(0, Duration.between(Instant.parse(oldest), clock.instant()).toMillis() / 1000.0);
            lag.set(new Lag(events, age, clock.instant()));
        } catch (RuntimeException e) {
            // the database is unreachable: the last figures stay, and their age shows in the health
        }
    }

    void published(long position) {
        failure.set(null);
    }

    void failed(Throwable cause, String event) {
        boolean permanent = cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof InvalidRecordException || cause instanceof SerializationException
                || cause instanceof AuthorizationException || cause instanceof UnknownTopicOrPartitionException;
        String kind = cause.getClass().getSimpleName();
        failure.set(new Failure(kind, String.valueOf(cause.getMessage()), event, clock.instant(), permanent));
        Counter.builder("ledger.publication.failures").tag("kind", kind).tag("permanent", Boolean.toString(permanent))
                .description("Publication batches Kafka did not commit, by cause").register(meters).increment();
    }

    @Override
    public Health health() {
        Lag current = lag.get();
        Failure last = failure.get();
        Instant measured = current.measuredAt() == null ? created : current.measuredAt();
        // figures that stopped being measured (a hung database, a scheduler thread out of memory) are not the truth
        boolean stale = Duration.between(measured, clock.instant()).compareTo(staleAfter) > 0;
        Health.Builder health = last != null && last.permanent() || stale ? Health.down() : Health.up();
        health.withDetail("lagEvents", current.events())
                .withDetail("oldestUnpublishedAgeSeconds", current.oldestAgeSeconds());
        if (current.measuredAt() != null) {
            health.withDetail("measuredAt", current.measuredAt().toString());
        }
        if (stale) {
            health.withDetail("stale", "not measured for over " + staleAfter.toSeconds() + " s: the figures are old");
        }
        if (last != null) {
            health.withDetail("lastFailure", last.kind() + ": " + last.message())
                    .withDetail("lastFailureAt", last.at().toString())
                    .withDetail("refusedForGood", last.permanent());
            if (last.event() != null) {
                health.withDetail("event", last.event());
            }
        }
        return health.build();
    }
}
