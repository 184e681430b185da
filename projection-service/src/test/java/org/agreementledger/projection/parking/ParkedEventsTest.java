package org.agreementledger.projection.parking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.consumer.AgreementEventConsumer;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.consumer.EventApplier;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.agreementledger.projection.support.FaultyProjector;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event the projection cannot apply is parked and holds its agreement only: every other agreement keeps flowing,
 * the service says so (readiness, metrics, the agreement view, the admin list, the audit views), and once the fault
 * is fixed a retry applies the parked event and those behind it, in order.
 */
class ParkedEventsTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");
    private static final LocalDate MAR_15 = LocalDate.of(2025, 3, 15);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ParkedEvents parked;

    @Autowired
    EventApplier applier;

    @Autowired
    AgreementEventConsumer live;

    @Autowired
    ConsumerProperties consumer;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @AfterEach
    void fixTheFaultAndApplyWhatIsParked() throws Exception {
        FaultyProjector.fixAll();
        // a parked event left behind would make a later rebuild differ from the live views
        assertThat(post("/admin/parked-events/retry", admin()).body().get("stillParked").asLong()).isZero();
    }

    @Test
    void aPoisonEventIsParkedAndOtherAgreementsKeepFlowing() throws Exception {
        AgreementId poisoned = AgreementId.generate();
        FaultyProjector.failAt(poisoned, 1);
        records.publish(offer(poisoned, "CECOT, for a fee"), 0);
        records.publish(new FeePaymentRecorded(poisoned, PaymentId.generate(), US, SV, Money.of("6000000.00", "USD"), MAR_15, null), 1);
        records.publish(new FeePaymentRecorded(poisoned, PaymentId.generate(), US, SV, Money.of("100.00", "USD"), MAR_15, null), 2);
        records.publish(new AgreementAccepted(poisoned, US, MAR_15), 3);
        JsonNode parked = await("/admin/parked-events?agreementId=" + poisoned, admin(), list -> list.size() == 3);

        AgreementId healthy = AgreementId.generate();
        records.publish(offer(healthy, "keeps flowing"), 0);
        assertThat(await("/agreements/" + healthy, dashboardToken(), view -> true, Duration.ofSeconds(1))
                .get("held").asBoolean()).isFalse();

        assertThat(parked).extracting(p -> p.get("sequence").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(parked).extracting(p -> p.get("reason").asText()).containsExactly("FAILED", "HELD", "HELD");
        assertThat(parked.get(0).get("type").asText()).isEqualTo("FeePaymentRecorded");
        assertThat(parked.get(0).get("error").asText()).isEqualTo("injected fault: event 1 of " + poisoned);
        assertThat(parked.get(1).get("error").asText()).contains("held behind event 1");

        JsonNode view = get("/agreements/" + poisoned, dashboardToken()).body();
        assertThat(view.get("version").asLong()).isZero();
        assertThat(view.get("title").asText()).as("the failed event's own writes are undone").isEqualTo("CECOT, for a fee");
        assertThat(get("/agreements/" + poisoned + "/history", dashboardToken()).body()).hasSize(1);
        assertThat(view.get("held").asBoolean()).isTrue();
        assertThat(view.get("heldReason").asText()).isEqualTo("event 1 (FeePaymentRecorded) could not be applied: "
                + "injected fault: event 1 of " + poisoned + "; 2 later event(s) parked behind it");
        JsonNode heldList = get("/agreements?held=true&size=500", dashboardToken()).body();
        assertThat(heldList).extracting(a -> a.get("agreementId").asText()).containsExactly(poisoned.value());
        assertThat(heldList.get(0).get("heldReason").asText()).as("the list says why, as the view does")
                .startsWith("event 1 (FeePaymentRecorded) could not be applied");

        Answer readiness = get("/actuator/health/readiness", null);
        assertThat(readiness.status()).isEqualTo(503);
        assertThat(readiness.body().get("status").asText()).isEqualTo("DEGRADED");
        JsonNode details = readiness.body().get("components").get("projection").get("details");
        assertThat(details.get("parkedEvents").asLong()).isEqualTo(3);
        assertThat(details.get("heldAgreements")).extracting(JsonNode::asText).containsExactly(poisoned.value());
        assertThat(get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(get("/actuator/health", null).body().get("status").asText()).isEqualTo("UP");
        assertThat(metric("projection_events_parked", "reason=\"failed\"")).isEqualTo(1.0);
        assertThat(metric("projection_events_parked", "reason=\"held\"")).isEqualTo(2.0);

        Answer audit = get("/audit/views", auditorToken());
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body().get("agreements")).as("the views stay where auditor compare reads them").isNotEmpty();
        assertThat(audit.body().get("parkedEvents")).extracting(p -> p.get("agreementId").asText()).contains(poisoned.value());
        Answer asOf = get("/audit/views?asOf=" + Instant.now(), auditorToken());
        assertThat(asOf.status()).as(asOf.body().toString()).isEqualTo(200);
        assertThat(asOf.body().get("parkedEvents")).filteredOn(p -> p.get("agreementId").asText().equals(poisoned.value()))
                .extracting(p -> p.get("sequence").asLong()).containsExactly(1L, 2L, 3L);

        FaultyProjector.fixAll();
        Answer retried = post("/admin/parked-events/retry?agreementId=" + poisoned, admin());

        assertThat(retried.status()).as(retried.body().toString()).isEqualTo(200);
        assertThat(retried.body().get("applied").asLong()).isEqualTo(3);
        assertThat(retried.body().get("stillParked").asLong()).isZero();
        assertThat(retried.body().get("released")).extracting(JsonNode::asText).containsExactly(poisoned.value());
        JsonNode released = get("/agreements/" + poisoned, dashboardToken()).body();
        assertThat(released.get("held").asBoolean()).isFalse();
        assertThat(released.has("heldReason")).isFalse();
        assertThat(released.get("version").asLong()).isEqualTo(3);
        assertThat(released.get("acceptedBy")).extracting(JsonNode::asText).containsExactly("US");
        assertThat(get("/agreements/" + poisoned + "/fees", dashboardToken()).body().get(0).get("paid").asText())
                .isEqualTo("6000100.00");
        assertThat(get("/agreements/" + poisoned + "/history", dashboardToken()).body())
                .extracting(e -> e.get("sequence").asLong()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(get("/admin/parked-events", admin()).body()).isEmpty();
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(metric("projection_events_parked", "reason=\"failed\"")).isZero();

        records.publish(new FeePaymentRecorded(poisoned, PaymentId.generate(), US, SV, Money.of("1.00", "USD"), MAR_15, null), 4);
        await("/agreements/" + poisoned, dashboardToken(), v -> v.get("version").asLong() == 4);
    }

    @Test
    void aRetryThatStillFailsKeepsTheEventAndThoseBehindItParked() throws Exception {
        AgreementId poisoned = AgreementId.generate();
        FaultyProjector.failAt(poisoned, 1);
        records.publish(offer(poisoned, "still failing"), 0);
        records.publish(new AgreementAccepted(poisoned, US, MAR_15), 1);
        records.publish(new AgreementAccepted(poisoned, SV, MAR_15), 2);
        JsonNode before = await("/admin/parked-events?agreementId=" + poisoned, admin(), list -> list.size() == 2);

        Answer retried = post("/admin/parked-events/retry?agreementId=" + poisoned, admin());

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body().get("applied").asLong()).isZero();
        assertThat(retried.body().get("stillParked").asLong()).isEqualTo(2);
        assertThat(retried.body().get("stillHeld")).extracting(JsonNode::asText).containsExactly(poisoned.value());
        JsonNode after = get("/admin/parked-events?agreementId=" + poisoned, admin()).body();
        assertThat(after).extracting(p -> p.get("reason").asText()).containsExactly("FAILED", "HELD");
        assertThat(after.get(0).get("parkedAt")).isEqualTo(before.get(0).get("parkedAt"));
        assertThat(get("/agreements/" + poisoned, dashboardToken()).body().get("version").asLong()).isZero();
    }

    @Test
    void aRebuildParksTheSameEventsAndTheAgreementStaysHeld() throws Exception {
        AgreementId poisoned = AgreementId.generate();
        FaultyProjector.failAt(poisoned, 1);
        records.publish(offer(poisoned, "held across a rebuild"), 0);
        records.publish(new AgreementAccepted(poisoned, US, MAR_15), 1);
        records.publish(new AgreementAccepted(poisoned, SV, MAR_15), 2);
        await("/admin/parked-events?agreementId=" + poisoned, admin(), list -> list.size() == 2);

        Answer rebuilt = post("/admin/rebuild", admin());

        assertThat(rebuilt.status()).as(rebuilt.body().toString()).isEqualTo(200);
        assertThat(rebuilt.body().get("identical").asBoolean()).as(rebuilt.body().toString()).isTrue();
        assertThat(rebuilt.body().get("parkedEvents").asLong()).isEqualTo(2);
        assertThat(get("/admin/parked-events?agreementId=" + poisoned, admin()).body())
                .extracting(p -> p.get("reason").asText()).containsExactly("FAILED", "HELD");
        assertThat(get("/agreements/" + poisoned, dashboardToken()).body().get("held").asBoolean()).isTrue();
    }

    @Test
    void aParkedRecordTheTopicNoLongerReturnsStaysParkedAndKeepsItsAgreementHeld() throws Exception {
        AgreementId poisoned = AgreementId.generate();
        FaultyProjector.failAt(poisoned, 1);
        records.publish(offer(poisoned, "its record is gone"), 0);
        records.publish(new AgreementAccepted(poisoned, US, MAR_15), 1);
        records.publish(new AgreementAccepted(poisoned, SV, MAR_15), 2);
        JsonNode parked = await("/admin/parked-events?agreementId=" + poisoned, admin(), list -> list.size() == 2);
        // as if the topic had lost the failed record: its row now points past the partition's end
        jdbc.update("UPDATE views.parked_event SET kafka_offset = kafka_offset + 1000000 WHERE agreement_id = ? AND sequence = 1",
                poisoned.value());
        FaultyProjector.fixAll();

        try {
            Answer retried = post("/admin/parked-events/retry?agreementId=" + poisoned, admin());

            assertThat(retried.body().get("notOnTopic")).extracting(JsonNode::asText).containsExactly(
                    TOPIC + "-" + parked.get(0).get("partition").asInt() + "@" + (parked.get(0).get("offset").asLong() + 1_000_000));
            assertThat(retried.body().get("stillParked").asLong()).isEqualTo(2);
            assertThat(retried.body().get("stillHeld")).extracting(JsonNode::asText).containsExactly(poisoned.value());
            assertThat(get("/admin/parked-events?agreementId=" + poisoned, admin()).body())
                    .extracting(p -> p.get("sequence").asLong() + " " + p.get("reason").asText())
                    .containsExactlyInAnyOrder("1 FAILED", "2 HELD");
            assertThat(get("/agreements/" + poisoned, dashboardToken()).body().get("version").asLong()).isZero();
        } finally {
            jdbc.update("UPDATE views.parked_event SET kafka_offset = kafka_offset - 1000000 WHERE agreement_id = ? AND sequence = 1",
                    poisoned.value());
        }
    }

    @Test
    void onlyAnOperatorSeesOrRetriesParkedEventsAndABadAgreementIdIsAProblem() throws Exception {
        assertThat(get("/admin/parked-events", dashboardToken()).status()).isEqualTo(403);
        assertThat(post("/admin/parked-events/retry", auditorToken()).status()).isEqualTo(403);
        Answer invalid = post("/admin/parked-events/retry?agreementId=not-a-uuid", admin());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("type").asText()).endsWith("/invalid-request");
        assertThat(invalid.body().get("field").asText()).isEqualTo("agreementId");
        Answer nothing = post("/admin/parked-events/retry?agreementId=" + AgreementId.generate(), admin());
        assertThat(nothing.status()).isEqualTo(404);
        assertThat(nothing.body().get("type").asText()).endsWith("/nothing-parked");
    }

    @Test
    void manyHeldAgreementsAreListedAPageAtATimeAndRetriedWholeAgreementsARoundEachReleasedInOrder() throws Exception {
        List<AgreementId> poisoned = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AgreementId id = AgreementId.generate();
            poisoned.add(id);
            FaultyProjector.failAt(id, 1);
            records.publish(offer(id, "held " + i), 0);
            records.publish(new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("10.00", "USD"), MAR_15, null), 1);
            records.publish(new AgreementAccepted(id, US, MAR_15), 2);
        }
        await("/admin/parked-events", admin(), list -> list.size() == 10);
        assertThat(get("/admin/parked-events?size=3", admin()).body()).hasSize(3);
        assertThat(get("/admin/parked-events?page=3&size=3", admin()).body()).as("the tenth alone").hasSize(1);
        Answer tooLarge = get("/admin/parked-events?size=501", admin());
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body().get("field").asText()).isEqualTo("size");
        FaultyProjector.fixAll();

        ParkedEventRetry.Outcome outcome = new ParkedEventRetry(parked, applier, live, consumer, 2).retry(Optional.empty());

        assertThat(outcome.retried()).isEqualTo(10);
        assertThat(outcome.applied()).isEqualTo(10);
        assertThat(outcome.stillParked()).isZero();
        assertThat(outcome.released()).containsExactlyInAnyOrderElementsOf(poisoned.stream().map(AgreementId::value).toList());
        assertThat(get("/admin/parked-events", admin()).body()).isEmpty();
        for (AgreementId id : poisoned) {
            JsonNode view = get("/agreements/" + id, dashboardToken()).body();
            assertThat(view.get("version").asLong()).as("the fee, then the acceptance").isEqualTo(2);
            assertThat(view.get("acceptedBy")).extracting(JsonNode::asText).containsExactly("US");
        }
    }

    @Test
    void recordsThatNameNoAgreementAreRetriedToo() throws Exception {
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestInfrastructure.get().kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                raw.send(new ProducerRecord<>(TOPIC, "not-an-event-" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        await("/admin/parked-events", admin(), list -> list.size() == 3);

        ParkedEventRetry.Outcome outcome = new ParkedEventRetry(parked, applier, live, consumer, 2).retry(Optional.empty());

        assertThat(outcome.retried()).as("every unreadable record, once").isEqualTo(3);
        assertThat(outcome.stillParked()).as("still unreadable").isEqualTo(3);
        assertThat(outcome.notOnTopic()).isEmpty();
        assertThat(outcome.released()).isEmpty();
        jdbc.update("DELETE FROM views.parked_event WHERE agreement_id IS NULL");
        parked.recount();
    }

    private static AgreementOffered offer(AgreementId id, String title) {
        return new AgreementOffered(id, SV, List.of(SV, US), LocalDate.of(2025, 2, 3),
                new AgreementTerms(title, List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null);
    }

    private static String admin() {
        return TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1));
    }

    private static String auditorToken() {
        return TOKENS.mint("auditor", null, List.of("ledger.audit"), Duration.ofHours(1));
    }

    private record Answer(int status, JsonNode body) {
    }

    private JsonNode await(String path, String token, Predicate<JsonNode> until) throws Exception {
        return await(path, token, until, Duration.ofSeconds(20));
    }

    private JsonNode await(String path, String token, Predicate<JsonNode> until, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Answer answer = get(path, token);
            if (answer.status() == 200 && until.test(answer.body())) {
                return answer.body();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching answer from " + path + " within " + within);
    }

    private double metric(String name, String label) throws Exception {
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher line = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(scrape.body());
        assertThat(line.find()).as(name + "{" + label + "} in\n" + scrape.body()).isTrue();
        return Double.parseDouble(line.group(1));
    }

    private Answer get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET(), token);
    }

    private Answer post(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()), token);
    }

    private Answer send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? json.nullNode() : json.readTree(response.body()));
    }
}
