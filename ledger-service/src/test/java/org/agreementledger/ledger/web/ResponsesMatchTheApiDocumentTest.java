package org.agreementledger.ledger.web;

import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.transfer.TreatyRulesOverHttpTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real answers of the ledger — successes and refusals — validated (status, headers, body) against the live
 * {@code /v3/api-docs} with Atlassian's swagger-request-validator: what the document promises is what a client gets.
 */
class ResponsesMatchTheApiDocumentTest extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    private ApiDocument document;
    private LedgerHttp unitedStates;
    private LedgerHttp elSalvador;

    @BeforeEach
    void theLiveDocument() {
        document = ApiDocument.of(new LedgerHttp(port, null).get("/v3/api-docs").body());
        unitedStates = as(port, "US");
        elSalvador = as(port, "SV");
    }

    @Test
    void anOfferItsAcceptanceAndATransferAnswerAsDocumented() {
        HttpResponse<String> offered = elSalvador.post("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER,
                Map.of("Idempotency-Key", "validator-offer-" + System.nanoTime()));
        assertThat(offered.statusCode()).as(offered.body()).isEqualTo(201);
        assertMatches("/agreements", offered);
        String agreementId = elSalvador.json(offered).get("agreementId").asText();

        HttpResponse<String> accepted = unitedStates.post("/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}", Map.of("If-Match", "\"0\""));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertMatches("/agreements/" + agreementId + "/acceptances", accepted);

        HttpResponse<String> recorded = unitedStates.post("/agreements/" + agreementId + "/transfers", """
                {"fromCountry":"US","toCountry":"SV","transferDate":"2025-03-16",
                 "headcounts":[{"nationality":"VE","category":"GANG_MEMBER","sex":"MALE","count":238}]}""");
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        assertMatches("/agreements/" + agreementId + "/transfers", recorded);

        HttpResponse<String> ownCitizens = unitedStates.post("/agreements/" + agreementId + "/transfers", """
                {"fromCountry":"US","toCountry":"SV","transferDate":"2025-03-16",
                 "headcounts":[{"nationality":"US","category":"CONVICTED_CRIMINAL","sex":"MALE","count":3}]}""");
        assertThat(ownCitizens.statusCode()).as(ownCitizens.body()).isEqualTo(422);
        assertThat(ownCitizens.body()).contains("own-citizen-removal");
        assertMatches("/agreements/" + agreementId + "/transfers", ownCitizens);

        HttpResponse<String> withdrawnInForce = elSalvador.post("/agreements/" + agreementId + "/withdrawal",
                "{\"party\":\"SV\",\"withdrawnOn\":\"2025-03-01\"}");
        assertThat(withdrawnInForce.statusCode()).as(withdrawnInForce.body()).isEqualTo(409);
        assertMatches("/agreements/" + agreementId + "/withdrawal", withdrawnInForce);

        HttpResponse<String> stale = unitedStates.post("/agreements/" + agreementId + "/suspensions",
                "{\"party\":\"US\",\"suspendedOn\":\"2025-03-01\",\"reason\":\"review\"}", Map.of("If-Match", "\"1\""));
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertMatches("/agreements/" + agreementId + "/suspensions", stale);

        HttpResponse<String> record = unitedStates.get("/agreements/" + agreementId);
        assertThat(record.statusCode()).isEqualTo(200);
        document.assertMatches("GET", "/agreements/" + agreementId, record);
    }

    @Test
    void theValidatorRefusesAnAnswerTheDocumentDoesNotDescribe() {
        assertThat(document.violations("POST", "/agreements", 201, Map.of("Content-Type", List.of("application/json"),
                "ETag", List.of("\"0\""), "Location", List.of("http://localhost/agreements/x")),
                "{\"agreementId\":\"x\",\"version\":\"zero\"}")).isNotEmpty();

        assertThat(document.violations("POST", "/agreements", 204, Map.of(), null)).isNotEmpty();

        assertThat(document.violations("POST", "/agreements", 422, Map.of("Content-Type", List.of("application/problem+json")),
                "{\"type\":\"x\",\"title\":\"t\",\"status\":\"unprocessable\"}")).isNotEmpty();
    }

    @Test
    void refusalsAnswerAsDocumented() {
        HttpResponse<String> unknownField = elSalvador.post("/agreements",
                "{\"offeringParty\":\"SV\",\"otherParties\":[\"US\"],\"title\":\"t\",\"offeredOn\":\"2025-02-03\",\"colour\":\"red\"}");
        assertThat(unknownField.statusCode()).as(unknownField.body()).isEqualTo(400);
        assertMatches("/agreements", unknownField);

        HttpResponse<String> invalid = elSalvador.post("/agreements",
                "{\"offeringParty\":\"XX\",\"otherParties\":[],\"title\":\"t\",\"offeredOn\":\"2025-02-03\"}");
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
        assertMatches("/agreements", invalid);

        HttpResponse<String> noToken = new LedgerHttp(port, null).post("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER);
        assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(401);
        assertMatches("/agreements", noToken);

        HttpResponse<String> forAnother = elSalvador.post("/agreements",
                "{\"offeringParty\":\"US\",\"otherParties\":[\"SV\"],\"title\":\"t\",\"offeredOn\":\"2025-02-03\"}");
        assertThat(forAnother.statusCode()).as(forAnother.body()).isEqualTo(403);
        assertMatches("/agreements", forAnother);

        String unknown = "/agreements/00000000-0000-4000-8000-000000000000/acceptances";
        HttpResponse<String> notFound = unitedStates.post(unknown, "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        assertThat(notFound.statusCode()).as(notFound.body()).isEqualTo(404);
        assertMatches(unknown, notFound);

        HttpResponse<String> badKey = elSalvador.post("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER,
                Map.of("Idempotency-Key", "has a space"));
        assertThat(badKey.statusCode()).as(badKey.body()).isEqualTo(400);
        assertMatches("/agreements", badKey);
    }

    private void assertMatches(String path, HttpResponse<String> response) {
        document.assertMatches("POST", path, response);
    }
}
