package org.agreementledger.projection.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.consumer.ViewLocks;
import org.agreementledger.projection.support.FaultyProjector;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RebuildTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode VE = CountryCode.of("VE");
    private static final LocalDate MAR_15 = LocalDate.of(2025, 3, 15);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void rebuildingEveryViewFromTheTopicGivesTheSameViewsRowForRowAndKeepsConsuming() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        JsonNode agreementBefore = await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        JsonNode transfersBefore = get("/agreements/" + id + "/transfers", dashboardToken());
        JsonNode feesBefore = get("/agreements/" + id + "/fees", dashboardToken());

        HttpResponse<String> response = post("/admin/rebuild", operatorToken());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = json.readTree(response.body());
        assertThat(report.get("identical").asBoolean()).as(report.toString()).isTrue();
        report.get("differingRows").forEach(count -> assertThat(count.asLong()).isZero());
        assertThat(report.get("recordsReplayed").asLong()).isGreaterThanOrEqualTo(9);
        assertThat(get("/agreements/" + id, dashboardToken())).isEqualTo(agreementBefore);
        assertThat(get("/agreements/" + id + "/transfers", dashboardToken())).isEqualTo(transfersBefore);
        assertThat(get("/agreements/" + id + "/fees", dashboardToken())).isEqualTo(feesBefore);

        records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("100.00", "USD"), MAR_15, null), 9);
        JsonNode after = await("/agreements/" + id + "/fees", node -> node.get(0).get("paid").asText().equals("6000100.00"));
        assertThat(after.get(0).get("outstanding").asText()).isEqualTo("-780100.00");
    }

    @Test
    void theRebuiltViewsComeWithThePlannersStatisticsSoTheirFirstQueriesAreNotPlannedOnGuesses() throws Exception {
        JsonNode report = rebuildAfterTheCecotAgreement();

        assertThat(report.get("phaseMillis").has("analyze")).as(report.toString()).isTrue();
        for (String table : List.of("agreement_view", "agreement_history", "transfer_view", "fee_balance")) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_stats WHERE schemaname = 'views' AND tablename = ?",
                    Integer.class, table)).as(table).isPositive();
        }
    }

    @Test
    void theRebuiltViewsSurviveACrashAsTheViewsTheyReplacedDid() throws Exception {
        rebuildAfterTheCecotAgreement();

        assertThat(jdbc.queryForList("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'views' AND c.relkind IN ('r', 'i') AND c.relpersistence <> 'p'""", String.class))
                .as("tables and indexes a crash would empty").isEmpty();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'views' AND c.relkind = 'r'""", Integer.class)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void oldViewsLeftByACrashBetweenASwapAndTheirDropDoNotStopTheNextRebuild() throws Exception {
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS views_retired");
        jdbc.execute("CREATE TABLE IF NOT EXISTS views_retired.agreement_view (agreement_id text)");

        HttpResponse<String> response = post("/admin/rebuild", operatorToken());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'views_retired'", Integer.class))
                .as("the old views are gone once swapped out").isZero();
        assertThat(json.readTree(response.body()).get("oldViewsDropped").asBoolean()).as(response.body()).isTrue();
    }

    @Test
    void aLongReaderOfTheReplacedViewsHoldsUpNeitherTheOperatorsAnswerNorTheLiveViews() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        String operator = operatorToken();
        JsonNode report;
        try (Connection reader = DriverManager.getConnection(DATABASE_URL, "test", "test");
             Statement statement = reader.createStatement()) {
            reader.setAutoCommit(false);
            statement.executeQuery("SELECT count(*) FROM views.fee_balance").close();

            HttpResponse<String> response = post("/admin/rebuild", operator);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            report = json.readTree(response.body());
            assertThat(report.get("identical").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.get("oldViewsDropped").asBoolean()).as(report.toString()).isFalse();
            // waited for the reader as long as configured for the tests (1 s), not the bulk timeout
            assertThat(report.get("phaseMillis").get("drop").asLong()).as(report.toString()).isBetween(900L, 10_000L);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'views_retired'", Integer.class))
                    .as("the old views, still read").isOne();
            records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("100.00", "USD"), MAR_15, null), 9);
            await("/agreements/" + id + "/fees", node -> node.get(0).get("paid").asText().equals("6000100.00"));
            reader.commit();
        }

        HttpResponse<String> next = post("/admin/rebuild", operator);

        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(json.readTree(next.body()).get("oldViewsDropped").asBoolean()).as(next.body()).isTrue();
        assertThat(json.readTree(next.body()).get("identical").asBoolean()).as("the payment went to the rebuilt views: "
                + next.body()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'views_retired'", Integer.class))
                .as("the old views, dropped by the next rebuild").isZero();
    }

    @Test
    void viewsChangedBehindTheLogsBackAreCountedRowByRowAndReplacedByWhatTheLogSays() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        JsonNode feesBefore = get("/agreements/" + id + "/fees", dashboardToken());
        jdbc.update("UPDATE views.fee_balance SET paid = paid + 1 WHERE agreement_id = ?", id.value());
        jdbc.update("DELETE FROM views.agreement_history WHERE agreement_id = ? AND sequence = 8", id.value());
        assertThat(get("/agreements/" + id + "/fees", dashboardToken())).isNotEqualTo(feesBefore);

        HttpResponse<String> response = post("/admin/rebuild", operatorToken());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = json.readTree(response.body());
        assertThat(report.get("identical").asBoolean()).as(report.toString()).isFalse();
        // the changed balance is a row only the live views had and one only the rebuilt ones have; the deleted event one
        assertThat(report.get("differingRows").get("fee_balance").asLong()).as(report.toString()).isEqualTo(2);
        assertThat(report.get("differingRows").get("agreement_history").asLong()).as(report.toString()).isEqualTo(1);
        report.get("differingRows").properties().stream()
                .filter(table -> !List.of("fee_balance", "agreement_history").contains(table.getKey()))
                .forEach(table -> assertThat(table.getValue().asLong()).as(table.getKey()).isZero());
        assertThat(get("/agreements/" + id + "/fees", dashboardToken())).isEqualTo(feesBefore);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM views.agreement_history WHERE agreement_id = ?", Long.class,
                id.value())).isEqualTo(9);
    }

    @Test
    void whileARebuildRunsQueriesKeepAnsweringNewEventsAreAppliedOnceAndASecondRebuildIsRefused() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        JsonNode agreementBefore = await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        FaultyProjector.Stall stall = FaultyProjector.stallRebuildAt(id, 4);
        String operator = operatorToken();

        CompletableFuture<HttpResponse<String>> rebuilding = rebuildInTheBackground(operator);
        try {
            assertThat(stall.reached().await(20, TimeUnit.SECONDS)).as("the rebuild reached the agreement").isTrue();

            JsonNode running = json.readTree(send("/admin/rebuild", operator, false).body());
            assertThat(running.get("state").asText()).as(running.toString()).isEqualTo("RUNNING");
            assertThat(running.hasNonNull("endedAt")).as(running.toString()).isFalse();
            assertThat(running.hasNonNull("report")).as(running.toString()).isFalse();
            HttpResponse<String> second = send("/admin/rebuild", operator, true);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
            assertThat(json.readTree(second.body()).get("type").asText()).endsWith("/rebuild-running");
            assertThat(get("/agreements/" + id, dashboardToken())).isEqualTo(agreementBefore);
            records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("100.00", "USD"), MAR_15, null), 9);
            await("/agreements/" + id + "/fees", node -> node.get(0).get("paid").asText().equals("6000100.00"));
            assertThat(rebuilding).as("the rebuild is still running").isNotDone();
        } finally {
            stall.released().countDown();
        }

        HttpResponse<String> done = rebuilding.get(60, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(json.readTree(done.body()).get("identical").asBoolean()).as(done.body()).isTrue();
        // an operator whose answer was lost reads the same report afterwards
        JsonNode status = json.readTree(send("/admin/rebuild", operator, false).body());
        assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("DONE");
        assertThat(status.get("report")).isEqualTo(json.readTree(done.body()));
        List<String> steps = new ArrayList<>();
        status.get("report").get("phaseMillis").fieldNames().forEachRemaining(steps::add);
        assertThat(steps).as("the steps in the order they ran").containsExactly("replay", "indexes", "analyze", "catchUp",
                "compare", "swap", "drop");
        assertThat(status.get("recordsReplayed").asLong()).isEqualTo(status.get("report").get("recordsReplayed").asLong());
        assertThat(Instant.parse(status.get("endedAt").asText())).isAfter(Instant.parse(status.get("startedAt").asText()));
        // the payment applied during the rebuild is in the rebuilt views, once
        JsonNode fees = get("/agreements/" + id + "/fees", dashboardToken());
        assertThat(fees.get(0).get("paid").asText()).isEqualTo("6000100.00");
        JsonNode history = get("/agreements/" + id + "/history", dashboardToken());
        List<Long> sequences = new ArrayList<>();
        history.forEach(event -> sequences.add(event.get("sequence").asLong()));
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void aRunningRebuildKeepsNoSnapshotOpenSoPostgresCanCleanUpBehindIt() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        FaultyProjector.Stall stall = FaultyProjector.stallRebuildAt(id, 4);
        CompletableFuture<HttpResponse<String>> rebuilding = rebuildInTheBackground(operatorToken());
        try {
            assertThat(stall.reached().await(20, TimeUnit.SECONDS)).as("the rebuild reached the agreement").isTrue();
            // the session holding the rebuild's lock is idle in its transaction for the whole rebuild: a snapshot
            // kept there would keep every row version the rebuild replaces from removal
            assertThat(jdbc.queryForList("""
                    SELECT a.backend_xmin::text FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                      AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid""", String.class,
                    ViewLocks.REBUILD >>> 32, ViewLocks.REBUILD & 0xFFFF_FFFFL)).as("the rebuild's lock is held, by a session without a snapshot")
                    .hasSize(1).containsOnlyNulls();
        } finally {
            stall.released().countDown();
        }
        HttpResponse<String> done = rebuilding.get(60, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    }

    @Test
    void aRebuildWhoseInstanceStoppedBeforeItEndedShowsAsInterruptedUntilTheNextOne() throws Exception {
        // what an instance killed in the middle of a rebuild leaves: its run on record, and no one holding its lock
        Long cutShort = jdbc.queryForObject("INSERT INTO public.rebuild_run (instance, state, started_at, records_replayed) "
                + "VALUES ('4242@gone', 'RUNNING', now(), 17) RETURNING id", Long.class);
        String operator = operatorToken();

        JsonNode interrupted = get("/admin/rebuild", operator);
        assertThat(interrupted.get("state").asText()).as(interrupted.toString()).isEqualTo("INTERRUPTED");
        assertThat(interrupted.get("run").asLong()).isEqualTo(cutShort);
        assertThat(interrupted.get("instance").asText()).isEqualTo("4242@gone");
        assertThat(interrupted.get("recordsReplayed").asLong()).isEqualTo(17);
        assertThat(interrupted.hasNonNull("report")).isFalse();

        assertThat(post("/admin/rebuild", operator).statusCode()).isEqualTo(200);
        JsonNode next = get("/admin/rebuild", operator);
        assertThat(next.get("state").asText()).as(next.toString()).isEqualTo("DONE");
        assertThat(next.get("run").asLong()).isGreaterThan(cutShort);
    }

    @Test
    void onlyAnOperatorMayRebuildOrSeeHowARebuildWent() throws Exception {
        assertThat(post("/admin/rebuild", dashboardToken()).statusCode()).isEqualTo(403);
        assertThat(post("/admin/rebuild", countryToken("US")).statusCode()).isEqualTo(403);
        assertThat(send("/admin/rebuild", dashboardToken(), false).statusCode()).isEqualTo(403);
        assertThat(send("/admin/rebuild", countryToken("US"), false).statusCode()).isEqualTo(403);
    }

    /** The CECOT agreement published and projected, then every view rebuilt by an operator; the rebuild's report. */
    private JsonNode rebuildAfterTheCecotAgreement() throws Exception {
        AgreementId id = publishTheCecotAgreementWithAFlightAndFees();
        await("/agreements/" + id, node -> node.get("version").asLong() == 8);
        HttpResponse<String> response = post("/admin/rebuild", operatorToken());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private AgreementId publishTheCecotAgreementWithAFlightAndFees() {
        AgreementId id = AgreementId.generate();
        TransferId flight = TransferId.generate();
        FeeSchedule fee = new FeeSchedule(US, SV, Money.of("20000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR);
        AgreementTerms terms = new AgreementTerms("CECOT", List.of(), List.of(fee), new Validity(LocalDate.of(2025, 2, 3), null));
        List<Headcount> recorded = List.of(new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 238),
                new Headcount(SV, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 23));
        List<Headcount> recount = List.of(new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 238),
                new Headcount(SV, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 23));
        records.publish(new AgreementOffered(id, SV, List.of(SV, US), LocalDate.of(2025, 2, 3), terms, null), 0);
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 4)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 4)), 2);
        records.publish(new TransferRecorded(id, flight, US, SV, MAR_15, recorded, "first flight"), 3);
        records.publish(new TransferCompleted(id, flight, MAR_15), 4);
        records.publish(new FeeAssessed(id, flight, US, SV, Money.of("5220000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR,
                261, MAR_15), 5);
        records.publish(new TransferCorrected(id, flight, 3, MAR_15, recount, "manifest confirmed"), 6);
        records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("3000000.00", "USD"), MAR_15, null), 7);
        records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("3000000.00", "USD"), MAR_15, null), 8);
        return id;
    }

    private JsonNode await(String path, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(path, dashboardToken(), false);
            if (response.statusCode() == 200 && until.test(json.readTree(response.body()))) {
                return json.readTree(response.body());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching answer from " + path);
    }

    private JsonNode get(String path, String token) throws Exception {
        return json.readTree(send(path, token, false).body());
    }

    private static String operatorToken() {
        return TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1));
    }

    /** Asks for a rebuild without waiting for its answer, which comes once the rebuild is done. */
    private CompletableFuture<HttpResponse<String>> rebuildInTheBackground(String operator) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/rebuild"))
                .header("Authorization", "Bearer " + operator).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        return send(path, token, true);
    }

    private HttpResponse<String> send(String path, String token, boolean post) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token);
        request = post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
