package org.agreementledger.ledger.web;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
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

    private OpenApiInteractionValidator validator;
    private LedgerHttp unitedStates;
    private LedgerHttp elSalvador;

    @BeforeEach
    void theLiveDocument() {
        String document = new LedgerHttp(port, null).get("/v3/api-docs").body();
        // springdoc labels the document 3.1.0, but the validator reads only 3.0 schemas (under 3.1 it sees no types
        // and lets anything pass). The document uses nothing 3.1 adds, so it is validated as what it is: 3.0.
        assertThat(document).startsWith("{\"openapi\":\"3.1.0\"")
                .doesNotContain("\"type\":[", "\"const\"", "\"examples\"", "\"prefixItems\"", "\"$schema\"",
                        "\"jsonSchemaDialect\"", "\"webhooks\"");
        validator = OpenApiInteractionValidator
                .createForInlineApiSpecification(document.replaceFirst("\"openapi\":\"3\\.1\\.0\"", "\"openapi\":\"3.0.3\""))
                .build();
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
        assertMatches(Request.Method.GET, "/agreements/" + agreementId, record);
    }

    @Test
    void theValidatorRefusesAnAnswerTheDocumentDoesNotDescribe() {
        SimpleResponse wrongBody = SimpleResponse.Builder.status(201).withContentType("application/json")
                .withHeader("ETag", "\"0\"").withHeader("Location", "http://localhost/agreements/x")
                .withBody("{\"agreementId\":\"x\",\"version\":\"zero\"}").build();
        assertThat(validator.validateResponse("/agreements", Request.Method.POST, wrongBody).getMessages()).isNotEmpty();

        SimpleResponse undocumentedStatus = SimpleResponse.Builder.status(204).build();
        assertThat(validator.validateResponse("/agreements", Request.Method.POST, undocumentedStatus).getMessages())
                .isNotEmpty();

        SimpleResponse problemAsSuccess = SimpleResponse.Builder.status(422).withContentType("application/problem+json")
                .withBody("{\"type\":\"x\",\"title\":\"t\",\"status\":\"unprocessable\"}").build();
        assertThat(validator.validateResponse("/agreements", Request.Method.POST, problemAsSuccess).getMessages())
                .isNotEmpty();
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
        assertMatches(Request.Method.POST, path, response);
    }

    private void assertMatches(Request.Method method, String path, HttpResponse<String> response) {
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().map().forEach((name, values) -> answer.withHeader(name, List.copyOf(values)));
        ValidationReport report = validator.validateResponse(path, method, answer.build());
        assertThat(report.getMessages())
                .as(method + " " + path + " " + response.statusCode() + " " + response.body() + "\n"
                        + report.getMessages().stream().map(m -> m.getKey() + ": " + m.getMessage()).toList())
                .isEmpty();
    }
}
