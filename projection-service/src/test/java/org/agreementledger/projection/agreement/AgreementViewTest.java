package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Validity;
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
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class AgreementViewTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    static AgreementTerms terms(String title, LocalDate from) {
        return new AgreementTerms(title, List.of(), List.of(), new Validity(from, null));
    }

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void anOfferOnTheTopicBecomesAnAgreementView() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), LocalDate.of(2025, 2, 5), terms("Safe third country", LocalDate.of(2025, 2, 5)), null), 0);

        JsonNode agreement = awaitJson("/agreements/" + id, 200);

        assertThat(agreement.get("offeringParty").asText()).isEqualTo("GT");
        assertThat(agreement.get("parties").toString()).isEqualTo("[\"GT\",\"US\"]");
        assertThat(agreement.get("title").asText()).isEqualTo("Safe third country");
        assertThat(agreement.get("offeredOn").asText()).isEqualTo("2025-02-05");
        assertThat(agreement.get("status").asText()).isEqualTo("OFFERED");
        assertThat(agreement.get("version").asLong()).isZero();
    }

    @Test
    void aRedeliveredEventIsAppliedOnlyOnce() throws Exception {
        AgreementId id = AgreementId.generate();
        AgreementOffered offered = new AgreementOffered(id, GT, List.of(GT, US), LocalDate.of(2025, 2, 5), terms("first", LocalDate.of(2025, 2, 5)), null);
        String eventId = records.publish(offered, 0);
        records.publish(new OfferAmended(id, US, LocalDate.of(2025, 2, 6), terms("second", LocalDate.of(2025, 2, 6))), 1);
        records.publish(offered, 0, eventId);
        records.publish(new OfferAmended(id, GT, LocalDate.of(2025, 2, 6), terms("third", LocalDate.of(2025, 2, 6))), 2);

        awaitJson("/agreements/" + id, 200, node -> node.get("version").asLong() == 2);
        JsonNode history = awaitJson("/agreements/" + id + "/history", 200);

        assertThat(history).hasSize(3);
        assertThat(history.get(0).get("type").asText()).isEqualTo("AgreementOffered");
        assertThat(history.get(2).get("payload").get("terms").get("title").asText()).isEqualTo("third");
        assertThat(history.get(0).get("correlationId").asText()).isEqualTo("test-correlation");
    }

    @Test
    void anEventWhosePredecessorIsMissingIsHeldBackAndReportedNotApplied() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), LocalDate.of(2025, 2, 5), terms("first", LocalDate.of(2025, 2, 5)), null), 0);
        records.publish(new OfferAmended(id, US, LocalDate.of(2025, 2, 6), terms("skips a step", LocalDate.of(2025, 2, 6))), 2);
        records.publish(new OfferAmended(id, US, LocalDate.of(2025, 2, 6), terms("the real second", LocalDate.of(2025, 2, 6))), 1);

        JsonNode agreement = awaitJson("/agreements/" + id, 200, node -> node.get("version").asLong() == 1);

        assertThat(agreement.get("title").asText()).isEqualTo("the real second");
        assertThat(awaitValue(() -> jdbc.queryForObject(
                "SELECT count(*) FROM sequence_gap WHERE agreement_id = ? AND expected_sequence = 1 AND received_sequence = 2",
                Long.class, id.value()), 1L)).isEqualTo(1L);
    }

    @Test
    void anAgreementCanBeReadAsOfAnInstantFromTheSameEvents() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), LocalDate.of(2025, 2, 5), terms("as first offered", LocalDate.of(2025, 2, 5)), null), 0);
        Thread.sleep(20);
        String between = java.time.Instant.now().toString();
        Thread.sleep(20);
        records.publish(new OfferAmended(id, US, LocalDate.of(2025, 2, 6), terms("as amended", LocalDate.of(2025, 2, 6))), 1);
        awaitJson("/agreements/" + id, 200, node -> node.get("version").asLong() == 1);

        JsonNode then = json.readTree(get("/agreements/" + id + "?asOf=" + between).body());
        JsonNode now = json.readTree(get("/agreements/" + id).body());

        assertThat(then.get("title").asText()).isEqualTo("as first offered");
        assertThat(then.get("version").asLong()).isZero();
        assertThat(now.get("title").asText()).isEqualTo("as amended");
        assertThat(get("/agreements/" + id + "?asOf=2025-02-03T00:00:00Z").statusCode()).isEqualTo(404);
        HttpResponse<String> invalid = get("/agreements/" + id + "?asOf=yesterday");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json.readTree(invalid.body()).get("field").asText()).isEqualTo("asOf");
    }

    @Test
    void anAsOfViewHoldsOnlyWhatThePublisherCommittedNotWhatItAborted() throws Exception {
        AgreementId id = AgreementId.generate();
        try (LedgerRecords transactions = LedgerRecords.inTransactions(TOPIC)) {
            transactions.publish(new AgreementOffered(id, GT, List.of(GT, US), LocalDate.of(2025, 2, 5),
                    terms("as offered", LocalDate.of(2025, 2, 5)), null), 0);
            transactions.publishAborted(new OfferAmended(id, US, LocalDate.of(2025, 2, 6),
                    terms("aborted, never committed", LocalDate.of(2025, 2, 6))), 1);
            transactions.publish(new OfferAmended(id, US, LocalDate.of(2025, 2, 6),
                    terms("as amended", LocalDate.of(2025, 2, 6))), 1);
        }
        awaitJson("/agreements/" + id, 200, node -> node.get("version").asLong() == 1);

        JsonNode asOfNow = json.readTree(get("/agreements/" + id + "?asOf=" + java.time.Instant.now()).body());

        assertThat(json.readTree(get("/agreements/" + id).body()).get("title").asText()).isEqualTo("as amended");
        assertThat(asOfNow.get("title").asText()).isEqualTo("as amended");
    }

    @Test
    void anUnknownAgreementIsAProblemResponse() throws Exception {
        HttpResponse<String> response = get("/agreements/" + AgreementId.generate());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void agreementsCanBeListedByParty() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, CountryCode.of("CR"), List.of(CountryCode.of("CR"), US),
                LocalDate.of(2025, 2, 10), terms("Costa Rica in negotiation", LocalDate.of(2025, 2, 10)), null), 0);
        awaitJson("/agreements/" + id, 200);

        JsonNode costaRica = json.readTree(get("/agreements?party=CR").body());

        assertThat(costaRica).isNotEmpty();
        costaRica.forEach(agreement -> assertThat(agreement.get("parties").toString()).contains("\"CR\""));
        assertThat(get("/agreements?party=costa").statusCode()).isEqualTo(400);
    }

    @Test
    void aLongListAndALongTimelineArriveWholeInOrderHoweverTheyAreReadOut() throws Exception {
        CountryCode tv = CountryCode.of("TV");
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            AgreementId id = AgreementId.generate();
            // a few dates shared by many agreements: the order within a date is the agreement's id
            LocalDate on = LocalDate.of(2025, 1, 1 + i % 3);
            records.publish(new AgreementOffered(id, tv, List.of(tv, US), on, terms("Tuvalu " + i, on), null), 0);
            expected.add(on + "/" + id.value());
        }
        AgreementId amended = AgreementId.generate();
        records.publish(new AgreementOffered(amended, tv, List.of(tv, US), LocalDate.of(2025, 1, 1),
                terms("amended 0", LocalDate.of(2025, 1, 1)), null), 0);
        for (int sequence = 1; sequence < 150; sequence++) {
            records.publish(new OfferAmended(amended, US, LocalDate.of(2025, 1, 2),
                    terms("amended " + sequence, LocalDate.of(2025, 1, 2))), sequence);
        }
        expected.add(LocalDate.of(2025, 1, 1) + "/" + amended.value());
        java.util.Collections.sort(expected);

        JsonNode all = awaitJson("/agreements?party=TV&size=500", 200, list -> list.size() == 151);
        List<String> listed = new java.util.ArrayList<>();
        all.forEach(agreement -> listed.add(agreement.get("offeredOn").asText() + "/" + agreement.get("agreementId").asText()));
        assertThat(listed).isEqualTo(expected);
        JsonNode secondPage = awaitJson("/agreements?party=TV&page=1&size=70", 200);
        List<String> paged = new java.util.ArrayList<>();
        secondPage.forEach(agreement -> paged.add(agreement.get("offeredOn").asText() + "/" + agreement.get("agreementId").asText()));
        assertThat(paged).isEqualTo(expected.subList(70, 140));

        JsonNode history = awaitJson("/agreements/" + amended + "/history", 200, timeline -> timeline.size() == 150);
        for (int sequence = 0; sequence < 150; sequence++) {
            assertThat(history.get(sequence).get("sequence").asLong()).isEqualTo(sequence);
        }
        assertThat(history.get(149).get("payload").get("terms").get("title").asText()).isEqualTo("amended 149");
    }

    private JsonNode awaitJson(String path, int status) throws Exception {
        return awaitJson(path, status, node -> true);
    }

    private JsonNode awaitJson(String path, int status, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> response;
        do {
            response = get(path);
            if (response.statusCode() == status && until.test(json.readTree(response.body()))) {
                return json.readTree(response.body());
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + status + " for " + path + " in time; last: " + response.statusCode() + " " + response.body());
    }

    private static <T> T awaitValue(Callable<T> read, T expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T value = read.call();
        while (!expected.equals(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = read.call();
        }
        return value;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, dashboardToken());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCountrySeesItsOwnAgreementsOnlyAndNobodyReadsWithoutAToken() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, CountryCode.of("DO"), List.of(CountryCode.of("DO"), US),
                LocalDate.of(2025, 2, 10), terms("Dominican Republic in negotiation", LocalDate.of(2025, 2, 10)), null), 0);
        awaitJson("/agreements/" + id, 200);

        assertThat(get("/agreements/" + id, countryToken("DO")).statusCode()).isEqualTo(200);
        HttpResponse<String> outsider = get("/agreements/" + id, countryToken("MX"));
        assertThat(outsider.statusCode()).isEqualTo(403);
        assertThat(json.readTree(outsider.body()).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/not-a-party");
        assertThat(get("/agreements/" + id + "/transfers", countryToken("MX")).statusCode()).isEqualTo(403);
        assertThat(get("/agreements/" + id + "/fees", countryToken("MX")).statusCode()).isEqualTo(403);
        JsonNode mexicoSees = json.readTree(get("/agreements?size=500", countryToken("MX")).body());
        mexicoSees.forEach(agreement -> assertThat(agreement.get("parties").toString()).contains("\"MX\""));
        assertThat(get("/agreements/" + id, null).statusCode()).isEqualTo(401);
    }
}
