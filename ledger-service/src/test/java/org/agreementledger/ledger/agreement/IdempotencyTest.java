package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "Safe third country", "offeredOn": "2025-02-05"}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private LedgerHttp ledger;

    @BeforeEach
    void caller() {
        ledger = as(port, "GT");
    }

    @Test
    void aRetriedOfferWithTheSameKeyGetsTheFirstAnswerAndAppendsNothing() {
        Map<String, String> key = keyAndCorrelation();
        HttpResponse<String> first = ledger.post("/agreements", OFFER, key);
        long eventsAfterFirst = eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"));

        HttpResponse<String> retry = ledger.post("/agreements", OFFER, key);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"))).isEqualTo(eventsAfterFirst);
    }

    @Test
    void tenConcurrentRequestsWithOneKeyCreateOneAgreementAndAllGetItsAnswer() throws Exception {
        Map<String, String> key = keyAndCorrelation();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit(() -> ledger.post("/agreements", OFFER, key)));
            }
            Set<String> bodies = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                bodies.add(response.body());
            }
            assertThat(bodies).hasSize(1);
            String agreementId = ledger.json(answers.get(0).get()).get("agreementId").asText();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_key WHERE agreement_id = ?", Long.class,
                    agreementId)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theAnswerToAKeyIsStoredWithTheCommandSoACrashCannotSeparateThem() {
        String given = UUID.randomUUID().toString();
        HttpResponse<String> first = ledger.post("/agreements", OFFER, Map.of("Idempotency-Key", given));
        Map<String, Object> stored = jdbc.queryForMap(
                "SELECT response_status, response_etag, response_body FROM idempotency_key WHERE idempotency_key LIKE ?",
                "% " + given);
        assertThat(stored.get("response_status")).isEqualTo(201);
        assertThat(stored.get("response_etag")).isEqualTo(first.headers().firstValue("ETag").orElseThrow());
        // the receipts are not stored: the log numbers the events only as the transaction commits, and a replay
        // reads them then (TheTransparencyLogProvesEveryEventTest)
        com.fasterxml.jackson.databind.node.ObjectNode answered = (com.fasterxml.jackson.databind.node.ObjectNode) ledger.json(first);
        assertThat(answered.remove("events")).isNotNull();
        assertThat(ledger.json(stored.get("response_body").toString())).isEqualTo(answered);

        String refusedKey = UUID.randomUUID().toString();
        HttpResponse<String> refused = ledger.post("/agreements", OFFER.replace("\"US\"", "\"GT\""),
                Map.of("Idempotency-Key", refusedKey));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_key WHERE idempotency_key LIKE ?", Long.class,
                "% " + refusedKey)).as("a refused command claims no key: it may be sent again, corrected").isZero();
    }

    @Test
    void aKeyReusedForAnotherRequestIsRefusedAndAppendsNothing() {
        Map<String, String> key = keyAndCorrelation();
        ledger.post("/agreements", OFFER, key);
        long eventsBefore = eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"));

        HttpResponse<String> other = ledger.post("/agreements", OFFER.replace("Safe third country", "Another"), key);

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(ledger.json(other).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/idempotency-key-reused");
        assertThat(eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"))).isEqualTo(eventsBefore);
    }

    @Test
    void aRefusedCommandDoesNotUseUpItsKey() {
        String agreementId = ledger.ok("/agreements", OFFER).get("agreementId").asText();
        Map<String, String> key = keyAndCorrelation();
        String alreadyProposed = "{\"party\": \"GT\", \"acceptedOn\": \"2025-02-06\"}";
        long eventsBefore = eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"));

        assertThat(ledger.post("/agreements/" + agreementId + "/acceptances", alreadyProposed, key).statusCode()).isEqualTo(409);
        assertThat(ledger.post("/agreements/" + agreementId + "/acceptances", alreadyProposed, key).statusCode()).isEqualTo(409);
        assertThat(eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"))).isEqualTo(eventsBefore);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_key WHERE idempotency_key LIKE ?", Long.class,
                "% " + key.get("Idempotency-Key"))).isZero();
    }

    @Test
    void everyCommandOnAnAgreementHonoursTheKey() {
        String agreementId = ledger.ok("/agreements", OFFER).get("agreementId").asText();
        Map<String, String> key = keyAndCorrelation();
        String accept = "{\"party\": \"US\", \"acceptedOn\": \"2025-02-06\"}";

        LedgerHttp unitedStates = as(port, "US");
        HttpResponse<String> first = unitedStates.post("/agreements/" + agreementId + "/acceptances", accept, key);
        long eventsAfterFirst = eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"));
        HttpResponse<String> retry = unitedStates.post("/agreements/" + agreementId + "/acceptances", accept, key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"))).isEqualTo(eventsAfterFirst);
    }

    @Test
    void aKeyBelongsToTheCallerThatUsedIt() {
        Map<String, String> key = keyAndCorrelation();
        HttpResponse<String> guatemala = ledger.post("/agreements", OFFER, key);
        long eventsBefore = eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"));

        HttpResponse<String> withoutToken = new LedgerHttp(port, null).post("/agreements", OFFER, key);
        assertThat(withoutToken.statusCode()).isEqualTo(401);
        HttpResponse<String> unitedStates = as(port, "US").post("/agreements", OFFER, key);
        assertThat(unitedStates.statusCode()).isEqualTo(403);
        assertThat(unitedStates.body()).doesNotContain(ledger.json(guatemala).get("agreementId").asText());
        assertThat(eventsCorrelatedWith(jdbc, key.get("X-Correlation-Id"))).isEqualTo(eventsBefore);
    }

    @Test
    void aMalformedKeyIsRefused() {
        String correlation = UUID.randomUUID().toString();
        HttpResponse<String> response = ledger.post("/agreements", OFFER,
                Map.of("Idempotency-Key", "x".repeat(201), "X-Correlation-Id", correlation));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(ledger.json(response).get("field").asText()).isEqualTo("Idempotency-Key");
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    /** One key per request, also sent as its correlation id, so that its events can be counted apart. */
    private static Map<String, String> keyAndCorrelation() {
        String key = UUID.randomUUID().toString();
        return Map.of("Idempotency-Key", key, "X-Correlation-Id", key);
    }
}
