package org.agreementledger.projection.lag;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The lag gauges are measured from outside the live consumer: they are right while it cannot apply anything. */
class ProjectionLagTest extends ProjectionIntegrationTest {

    private static final int PARTITIONS = 6;
    private static final CountryCode MX = CountryCode.of("MX");
    private static final CountryCode US = CountryCode.of("US");

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Test
    void theLagGaugesShowWhatIsNotAppliedWhileTheConsumerCannotApplyAnything() throws Exception {
        awaitScrape(lagIs(partition -> 0L), "caught up before the test");
        Instant firstPublished;
        // another session holds agreement_history against writes: the consumer's next batch cannot commit
        try (Connection blocker = DriverManager.getConnection(DATABASE_URL, "test", "test");
             LedgerRecords records = new LedgerRecords(TOPIC)) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE views.agreement_history IN EXCLUSIVE MODE");
            }
            Map<Integer, Long> positions = storedPositions();
            Map<Integer, Long> before = endOffsets();
            firstPublished = Instant.now();
            for (int i = 0; i < 12; i++) {
                AgreementId id = AgreementId.generate();
                records.publish(new AgreementOffered(id, US, List.of(US, MX), LocalDate.of(2025, 2, 3),
                        new AgreementTerms("blocked " + i, List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null), 0);
            }
            Map<Integer, Long> ends = endOffsets();

            // a partition that got no record is caught up, whatever transaction markers lie past its stored position
            String scrape = awaitScrape(lagIs(p -> ends.get(p).equals(before.get(p)) ? 0 : ends.get(p) - positions.getOrDefault(p, 0L)),
                    "lag = end offset - stored position on every partition that got a record");

            assertThat(IntStream.range(0, PARTITIONS).mapToDouble(p -> lag(scrape, p)).sum())
                    .as("12 records, and at most one transaction marker per partition before them")
                    .isBetween(12.0, 12.0 + PARTITIONS);
            double age = gauge(awaitScrape(text -> gauge(text, "projection_oldest_unapplied_age_seconds") > 0, "an age"),
                    "projection_oldest_unapplied_age_seconds");
            assertThat(age).isLessThanOrEqualTo(Duration.between(firstPublished, Instant.now()).toMillis() / 1000.0 + 1);
            assertThat(storedPositions()).as("nothing was applied meanwhile").isEqualTo(positions);
            blocker.rollback();
        }
        awaitScrape(lagIs(partition -> 0L).and(text -> gauge(text, "projection_oldest_unapplied_age_seconds") == 0),
                "caught up again once the consumer can apply");
    }

    @Test
    void caughtUpIsNoLagAlsoWhenTheLedgerPublishesInTransactions() throws Exception {
        AgreementId id = AgreementId.generate();
        try (LedgerRecords records = LedgerRecords.inTransactions(TOPIC)) {
            records.publish(new AgreementOffered(id, US, List.of(US, MX), LocalDate.of(2025, 2, 3),
                    new AgreementTerms("in a transaction", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null), 0);
        }
        awaitApplied(id);

        // the commit marker after the record takes an offset the consumer never stores a position past
        awaitScrape(lagIs(partition -> 0L).and(text -> gauge(text, "projection_oldest_unapplied_age_seconds") == 0),
                "no lag once the record before the marker is applied");
    }

    private void awaitApplied(AgreementId id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Long applied = jdbc.queryForObject("SELECT count(*) FROM views.agreement_view WHERE agreement_id = ?", Long.class, id.value());
            if (applied != null && applied == 1) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never applied: " + id);
    }

    private static Predicate<String> lagIs(IntFunction<Long> expected) {
        return text -> IntStream.range(0, PARTITIONS).allMatch(p -> lag(text, p) == expected.apply(p));
    }

    private Map<Integer, Long> storedPositions() {
        Map<Integer, Long> positions = new HashMap<>();
        jdbc.query("SELECT partition, next_offset FROM views.consumer_position WHERE topic = ?",
                rs -> {
                    positions.put(rs.getInt(1), rs.getLong(2));
                }, TOPIC);
        return positions;
    }

    private static Map<Integer, Long> endOffsets() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedTestInfrastructure.get().kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(TOPIC, p), p -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String awaitScrape(Predicate<String> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (until.test(text)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never " + what + ":\n" + text.lines().filter(l -> l.startsWith("projection_")).toList());
    }

    private static double lag(String scrape, int partition) {
        Matcher line = Pattern.compile("(?m)^projection_lag\\{[^}]*partition=\"" + partition + "\"[^}]*} (\\S+)$").matcher(scrape);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }

    private static double gauge(String scrape, String name) {
        Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(scrape);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }
}
