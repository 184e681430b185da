package org.agreementledger.ledger.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every refusal of the treaty rules, as a caller sees it: a problem response with a stable type, the
 * agreement and the field, and nothing appended to the event store.
 */
public class TreatyRulesOverHttpTest extends LedgerIntegrationTest {

    public static final String EL_SALVADOR_OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "offeredOn": "2025-02-03",
             "title": "El Salvador offers to take deportees of any nationality into CECOT, for a fee",
             "validity": {"from": "2025-02-03"},
             "commitments": [
               {"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                "categories": ["CONVICTED_CRIMINAL", "GANG_MEMBER"], "fromParties": ["US"], "facility": "CECOT"},
               {"type": "accept-people", "party": "SV", "nationalities": {"kind": "LISTED", "nationalities": ["US"]},
                "categories": ["CONVICTED_CRIMINAL"], "fromParties": ["US"], "facility": "CECOT"},
               {"type": "pay", "party": "US", "payee": "SV", "purpose": "FEES"}],
             "feeSchedules": [{"payer": "US", "payee": "SV", "amount": {"amount": "20000.00", "currency": "USD"},
                               "basis": "PER_PERSON_PER_YEAR"}]}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Cache agreementCache;

    private LedgerHttp ledger;
    private String agreementId;

    @BeforeEach
    void elSalvadorsOfferIsInForce() {
        agreementId = as(port, "SV").ok("/agreements", EL_SALVADOR_OFFER).get("agreementId").asText();
        ledger = as(port, "US");
        ledger.ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "US citizens out of the US | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"US\",\"category\":\"CONVICTED_CRIMINAL\",\"sex\":\"MALE\",\"count\":3}]} | 422 | own-citizen-removal | headcounts[0].nationality",
            "a category SV did not accept | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"ASYLUM_SEEKER\",\"sex\":\"FEMALE\",\"count\":2}]} | 422 | category-not-accepted | headcounts[0].category",
            "a receiver that committed to take nobody | SV | /transfers | {\"fromCountry\":\"SV\",\"toCountry\":\"US\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"GANG_MEMBER\",\"sex\":\"MALE\",\"count\":2}]} | 422 | nationality-not-accepted | headcounts[0].nationality",
            "a date outside the validity | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2024-12-31\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"GANG_MEMBER\",\"sex\":\"MALE\",\"count\":2}]} | 422 | outside-validity | transferDate",
            "a country that is not a party | MX | /transfers | {\"fromCountry\":\"MX\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"GANG_MEMBER\",\"sex\":\"MALE\",\"count\":2}]} | 403 | not-a-party | ",
            "an unknown nationality code | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"QQ\",\"category\":\"GANG_MEMBER\",\"sex\":\"MALE\",\"count\":2}]} | 400 | invalid-request | headcounts[0].nationality",
            "a negative count | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"GANG_MEMBER\",\"sex\":\"MALE\",\"count\":-2}]} | 400 | invalid-request | headcounts[0]",
            "an unknown category | US | /transfers | {\"fromCountry\":\"US\",\"toCountry\":\"SV\",\"transferDate\":\"2025-03-16\",\"headcounts\":[{\"nationality\":\"VE\",\"category\":\"TOURIST\",\"sex\":\"MALE\",\"count\":2}]} | 400 | invalid-request | headcounts[0].category",
            "a payment in the wrong currency | US | /fee-payments | {\"payer\":\"US\",\"payee\":\"SV\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"EUR\"},\"paidOn\":\"2025-03-20\"} | 422 | currency-mismatch | amount.currency",
            "an unknown currency | US | /fee-payments | {\"payer\":\"US\",\"payee\":\"SV\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"XYZ\"},\"paidOn\":\"2025-03-20\"} | 400 | invalid-request | amount",
            "more decimals than the currency has | US | /fee-payments | {\"payer\":\"US\",\"payee\":\"SV\",\"amount\":{\"amount\":\"100.001\",\"currency\":\"USD\"},\"paidOn\":\"2025-03-20\"} | 400 | invalid-request | amount",
            "a payment no schedule calls for | SV | /fee-payments | {\"payer\":\"SV\",\"payee\":\"US\",\"amount\":{\"amount\":\"100.00\",\"currency\":\"USD\"},\"paidOn\":\"2025-03-20\"} | 422 | no-fee-schedule | payee",
            "a withdrawal once in force | SV | /withdrawal | {\"party\":\"SV\",\"withdrawnOn\":\"2025-03-01\"} | 409 | illegal-transition | ",
            "a second acceptance | US | /acceptances | {\"party\":\"US\",\"acceptedOn\":\"2025-03-01\"} | 409 | illegal-transition | ",
            "a resumption of what is not suspended | US | /resumptions | {\"party\":\"US\",\"resumedOn\":\"2025-03-01\"} | 409 | illegal-transition | ",
            "an amendment once in force | US | /amendments | {\"party\":\"US\",\"amendedOn\":\"2025-03-01\",\"title\":\"t\",\"validity\":{\"from\":\"2025-03-01\"}} | 409 | illegal-transition | ",
    })
    void aRefusedCommandIsAProblemResponseAndAppendsNothing(String story, String caller, String path, String body,
                                                             int status, String problem, String field) {
        long eventsBefore = eventCount();

        HttpResponse<String> response = as(port, caller).post("/agreements/" + agreementId + path, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode refusal = ledger.json(response);
        assertThat(refusal.get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/" + problem);
        assertThat(refusal.get("agreementId").asText()).isEqualTo(agreementId);
        assertThat(refusal.get("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(refusal.get("field").asText()).isEqualTo(field);
        }
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    @Test
    void aCommandOnAnOutdatedVersionIsRefusedWithPreconditionFailed() {
        long eventsBefore = eventCount();
        String suspend = "{\"party\":\"US\",\"suspendedOn\":\"2025-03-01\",\"reason\":\"review\"}";

        HttpResponse<String> stale = ledger.post("/agreements/" + agreementId + "/suspensions", suspend, Map.of("If-Match", "\"1\""));

        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(ledger.json(stale).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/version-mismatch");
        assertThat(eventCount()).isEqualTo(eventsBefore);

        HttpResponse<String> current = ledger.post("/agreements/" + agreementId + "/suspensions", suspend, Map.of("If-Match", "\"2\""));
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.headers().firstValue("ETag")).hasValue("\"3\"");
    }

    @Test
    void aCapacityThatIsFullRefusesTheNextFlight() {
        String guatemala = guatemalaInForceTaking(100);
        String flight = """
                {"fromCountry":"US","toCountry":"GT","transferDate":"2025-03-%s",
                 "headcounts":[{"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"MALE","count":60}]}""";
        ledger.ok("/agreements/" + guatemala + "/transfers", flight.formatted("10"));
        long eventsBefore = eventCount();

        HttpResponse<String> response = ledger.post("/agreements/" + guatemala + "/transfers", flight.formatted("11"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(ledger.json(response).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/capacity-exceeded");
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    @Test
    void aCorrectionRepeatedAfterTheLedgerForgotTheAgreementIsRefusedAndNothingIsAppended() {
        String guatemala = guatemalaInForceTaking(1000);
        String transferId = ledger.ok("/agreements/" + guatemala + "/transfers", """
                {"fromCountry":"US","toCountry":"GT","transferDate":"2025-03-10",
                 "headcounts":[{"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"MALE","count":9},
                               {"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"FEMALE","count":3}]}""")
                .get("transferId").asText();
        String correction = """
                {"correctedOn":"2025-03-11","reason":"recount",
                 "headcounts":[{"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"FEMALE","count":3},
                               {"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"MALE","count":8}]}""";
        ledger.ok("/agreements/" + guatemala + "/transfers/" + transferId + "/corrections", correction);
        agreementCache.removeAll();
        long eventsBefore = eventCount();

        HttpResponse<String> again = ledger.post("/agreements/" + guatemala + "/transfers/" + transferId + "/corrections",
                correction);

        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(ledger.json(again).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/nothing-to-correct");
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    @Test
    void aCapacityIsCountedAlikeFromTheCacheAndFromASnapshotAfterARestart() {
        String guatemala = guatemalaInForceTaking(1000);
        String flight = """
                {"fromCountry":"US","toCountry":"GT","transferDate":"%s",
                 "headcounts":[{"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"MALE","count":%d}]}""";
        String cancelled = null;
        String corrected = null;
        for (int i = 0; i < 110; i++) {
            String transferId = ledger.ok("/agreements/" + guatemala + "/transfers", flight.formatted("2025-03-10", 9))
                    .get("transferId").asText();
            cancelled = i == 0 ? transferId : cancelled;
            corrected = i == 1 ? transferId : corrected;
        }
        ledger.ok("/agreements/" + guatemala + "/transfers/" + cancelled + "/cancellation",
                "{\"cancelledOn\":\"2025-03-10\",\"reason\":\"aircraft\"}");
        ledger.ok("/agreements/" + guatemala + "/transfers/" + corrected + "/corrections", """
                {"correctedOn":"2025-03-11","reason":"recount",
                 "headcounts":[{"nationality":"HN","category":"IRREGULAR_MIGRANT","sex":"MALE","count":1}]}""");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM snapshotevententry WHERE aggregateidentifier = ?",
                Integer.class, guatemala)).as("a snapshot was taken on the way").isPositive();
        // 990 recorded, 9 cancelled, 9 corrected to 1: 973 of 1,000 taken in March
        agreementCache.removeAll();
        long eventsBefore = eventCount();

        HttpResponse<String> tooMany = ledger.post("/agreements/" + guatemala + "/transfers", flight.formatted("2025-03-20", 28));

        assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(422);
        assertThat(ledger.json(tooMany).get("detail").asText()).contains("973 are already recorded");
        assertThat(eventCount()).isEqualTo(eventsBefore);
        ledger.ok("/agreements/" + guatemala + "/transfers", flight.formatted("2025-03-20", 27));
        ledger.ok("/agreements/" + guatemala + "/transfers", flight.formatted("2025-04-01", 1000));
    }

    @Test
    void aCompletedFlightAssessesItsFeeAndAPaymentSettlesIt() {
        JsonNode recorded = ledger.ok("/agreements/" + agreementId + "/transfers", """
                {"fromCountry":"US","toCountry":"SV","transferDate":"2025-03-16","reference":"first CECOT flight",
                 "headcounts":[{"nationality":"VE","category":"GANG_MEMBER","sex":"MALE","count":238},
                               {"nationality":"SV","category":"GANG_MEMBER","sex":"MALE","count":23}]}""");
        String transferId = recorded.get("transferId").asText();
        ledger.ok("/agreements/" + agreementId + "/transfers/" + transferId + "/completion", "{\"completedOn\":\"2025-03-16\"}");

        JsonNode events = ledger.json(ledger.get("/agreements/" + agreementId)).get("events");
        JsonNode assessed = events.get(events.size() - 1);
        assertThat(assessed.get("type").asText()).isEqualTo("FeeAssessed");
        assertThat(assessed.get("payload").get("amount").get("amount").asText()).isEqualTo("5220000.00");
        assertThat(assessed.get("payload").get("transferId").asText()).isEqualTo(transferId);

        HttpResponse<String> paid = ledger.post("/agreements/" + agreementId + "/fee-payments", """
                {"payer":"US","payee":"SV","amount":{"amount":"6000000.00","currency":"USD"},"paidOn":"2025-03-20"}""");
        assertThat(paid.statusCode()).isEqualTo(201);
        assertThat(ledger.json(paid).get("paymentId").asText()).isNotBlank();
    }

    /** Guatemala's safe-third-country offer, accepted by the US: at most {@code perMonth} migrants a month. */
    private String guatemalaInForceTaking(int perMonth) {
        String guatemala = as(port, "GT").ok("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "offeredOn": "2025-02-05", "title": "Safe third country",
                 "commitments": [{"type": "accept-people", "party": "GT", "nationalities": {"kind": "ANY"},
                                  "categories": ["IRREGULAR_MIGRANT"], "capacity": {"persons": %d, "period": "MONTH"},
                                  "pendingOnwardReturn": true}]}""".formatted(perMonth)).get("agreementId").asText();
        ledger.ok("/agreements/" + guatemala + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        return guatemala;
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class);
    }
}
