package org.agreementledger.ledger.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.transfer.TreatyRulesOverHttpTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a careless or hostile client tries: values beyond the contract's bounds, fractions for counts, repeated keys,
 * unknown fields, huge bodies and broken URLs. Each is refused at the door with problem+json naming what is wrong,
 * and nothing is appended.
 */
class HostileRequestsTest extends LedgerIntegrationTest {

    private static final String PAYMENT = """
            {"payer": "US", "payee": "SV", "amount": {"amount": %s, "currency": "USD"}, "paidOn": "2025-03-20"}""";
    private static final String TRANSFER = """
            {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-16",
             "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": %s}]}""";

    private static final String TRANSFER_WITH_REFERENCE = """
            {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-16", "reference": "Vuelo señor 🛫",
             "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 1}]}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private LedgerHttp us;
    private String agreementId;

    @BeforeEach
    void elSalvadorsOfferIsInForce() {
        agreementId = as(port, "SV").ok("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER).get("agreementId").asText();
        us = as(port, "US");
        us.ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
    }

    @ParameterizedTest(name = "amount {0}")
    @ValueSource(strings = {"1e400", "\"1e400\"", "123456789012345678901234567890", "\"123456789012345678901234567890\"",
            "\"1e999999999\"", "\"1000000000000000.00\""})
    void aPaymentBeyondTheContractsBoundIsRefusedNamingTheField(String amount) {
        long before = eventsOf(agreementId);
        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/fee-payments", PAYMENT.formatted(amount));
        assertProblem(response, 400, "amount");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest(name = "amount {0}")
    @ValueSource(strings = {"\"1E+2\"", "\"١٠٠\"", "\"+5\"", "\".5\"", "\"100.\""})
    void anAmountInAFormJavaReadsButTheApiDocumentDoesNotAllowIsRefused(String amount) {
        long before = eventsOf(agreementId);

        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/fee-payments", PAYMENT.formatted(amount));

        assertThat(assertProblem(response, 400, "amount").path("detail").asText()).contains("not a decimal amount");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @Test
    void aFeeScheduleBeyondTheStatedBoundIsRefusedNamingTheField() {
        String offer = TreatyRulesOverHttpTest.EL_SALVADOR_OFFER.replace("\"20000.00\"", "\"1000000000000000\"");
        HttpResponse<String> response = as(port, "SV").post("/agreements", offer);
        JsonNode problem = assertProblem(response, 400, "feeSchedules[0].amount.amount");
        assertThat(problem.get("type").asText()).endsWith("/amount-out-of-range");
    }

    @Test
    void theLargestAllowedPaymentIsRecordedExactly() {
        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/fee-payments",
                PAYMENT.formatted("\"999999999999999.99\""));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String payload = jdbc.queryForObject("""
                SELECT convert_from(payload, 'UTF8') FROM domainevententry
                WHERE aggregateidentifier = ? AND payloadtype LIKE '%FeePaymentRecorded'""", String.class, agreementId);
        assertThat(payload).contains("\"999999999999999.99\"");
    }

    @Test
    void aPaymentWithMoreDecimalsThanTheCurrencyHasIsRefused() {
        assertProblem(us.post("/agreements/" + agreementId + "/fee-payments", PAYMENT.formatted("\"10.001\"")), 400, "amount");
    }

    @ParameterizedTest(name = "count {0}")
    @ValueSource(strings = {"3.7", "3.0", "\"3\"", "0", "-1", "100001", "1e10", "null"})
    void aHeadcountThatIsNotAWholeNumberInRangeIsRefusedNeverTruncated(String count) {
        long before = eventsOf(agreementId);
        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/transfers", TRANSFER.formatted(count));
        assertProblem(response, 400, "headcounts[0]");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @Test
    void aRepeatedKeyIsRefusedRatherThanTheLastOneWinning() {
        String twice = TRANSFER.formatted("3").replace("\"count\": 3", "\"count\": 3, \"count\": 4");
        assertProblem(us.post("/agreements/" + agreementId + "/transfers", twice), 400, "count");
        String twoSenders = TRANSFER.formatted("3").replace("{\"fromCountry\": \"US\",",
                "{\"fromCountry\": \"US\", \"fromCountry\": \"SV\",");
        assertProblem(us.post("/agreements/" + agreementId + "/transfers", twoSenders), 400, "fromCountry");
    }

    @Test
    void aValueLeftOutOfACommitmentIsNamedAsRequired() {
        HttpResponse<String> offer = as(port, "SV").post("/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "title": "t", "offeredOn": "2025-02-03",
                 "commitments": [{"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                                  "categories": ["GANG_MEMBER"], "capacity": {"persons": 10}}]}""");

        JsonNode problem = assertProblem(offer, 400, "commitments[0].capacity");
        assertThat(problem.path("detail").asText()).isEqualTo("commitments[0].capacity: period is required");
    }

    @Test
    void anUnknownFieldIsRefusedRatherThanIgnored() {
        String extra = TRANSFER.formatted("3").replace("{\"fromCountry\"", "{\"note\": \"x\", \"fromCountry\"");
        assertProblem(us.post("/agreements/" + agreementId + "/transfers", extra), 400, "note");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() {
        String huge = TRANSFER.formatted("3").replace("{\"fromCountry\"",
                "{\"padding\": \"" + "x".repeat(10 * 1024 * 1024) + "\", \"fromCountry\"");
        long before = eventsOf(agreementId);
        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/transfers", huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "flight \\udc00 7", "\\ud83d"})
    void aTextWithHalfACharacterIsRefusedNamingTheFieldNotRecordedAsAQuestionMark(String half) {
        String reference = TRANSFER.formatted("3").replace("{\"fromCountry\"",
                "{\"reference\": \"" + half + "\", \"fromCountry\"");
        long before = eventsOf(agreementId);
        assertProblem(us.post("/agreements/" + agreementId + "/transfers", reference), 400, "reference");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "flight \\u0000 7"})
    void aTextHoldingNulIsRefusedBecauseNoViewCouldStoreIt(String nul) {
        long before = eventsOf(agreementId);

        HttpResponse<String> transfer = us.post("/agreements/" + agreementId + "/transfers",
                TRANSFER.formatted("3").replace("{\"fromCountry\"", "{\"reference\": \"" + nul + "\", \"fromCountry\""));
        HttpResponse<String> offer = as(port, "SV").post("/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "title": "%s", "offeredOn": "2025-02-03"}""".formatted(nul));

        assertThat(assertProblem(transfer, 400, "reference").path("detail").asText()).contains("U+0000");
        assertProblem(offer, 400, "title");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1-1-1-1-1", "+0000001-0001-0001-0001-000000000001", "1B9F6A3E-0C1D-4C8E-9A51-2F0D5A4E7B10"})
    void aTransferIdSpelledOtherThanCanonicallyIsRefusedSoARetryCannotRecordTheTransferTwice(String spelling) {
        String transfer = TRANSFER.formatted("3").replace("{\"fromCountry\"", "{\"transferId\": \"%s\", \"fromCountry\"");
        String canonical = java.util.UUID.fromString(spelling).toString();
        us.ok("/agreements/" + agreementId + "/transfers", transfer.formatted(canonical));
        long before = eventsOf(agreementId);

        HttpResponse<String> respelled = us.post("/agreements/" + agreementId + "/transfers", transfer.formatted(spelling));
        HttpResponse<String> payment = us.post("/agreements/" + agreementId + "/fee-payments", """
                {"paymentId": "%s", "payer": "US", "payee": "SV", "amount": {"amount": "1.00", "currency": "USD"},
                 "paidOn": "2025-03-20"}""".formatted(spelling));

        assertThat(assertProblem(respelled, 400, "transferId").path("detail").asText()).contains("canonical");
        assertProblem(payment, 400, "paymentId");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not-an-agreement", "1-1-1-1-1", "1B9F6A3E-0C1D-4C8E-9A51-2F0D5A4E7B10",
            "%3Cimg%20src=x%20onerror=alert(1)%3E"})
    void anIdInThePathSpelledOtherThanTheLedgerWritesItIsRefusedNamingItWithoutRepeatingIt(String id) {
        long before = eventsOf(agreementId);
        HttpResponse<String> accepted = us.post("/agreements/" + id + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        HttpResponse<String> read = us.get("/agreements/" + id);
        HttpResponse<String> completed = us.post("/agreements/" + agreementId + "/transfers/" + id + "/completion",
                "{\"completedOn\": \"2025-03-20\"}");

        for (HttpResponse<String> answer : List.of(accepted, read)) {
            JsonNode problem = assertProblem(answer, 400, "agreementId");
            assertThat(problem.path("detail").asText()).contains("canonical").doesNotContain(id).doesNotContain("<img");
            assertThat(problem.has("agreementId")).isFalse();
        }
        assertThat(assertProblem(completed, 400, "transferId").path("detail").asText()).doesNotContain(id);
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @Test
    void aLongTextIsRefusedNamingTheField() {
        String longReference = TRANSFER.formatted("3").replace("{\"fromCountry\"",
                "{\"reference\": \"" + "r".repeat(1001) + "\", \"fromCountry\"");
        assertProblem(us.post("/agreements/" + agreementId + "/transfers", longReference), 400, "reference");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/agreements/%FF", "/agreements/%00", "/agreements/..%2F..%2Fetc%2Fpasswd", "/agreements/%",
            "/no-such-route", "/agreements/%C0%AE%C0%AE"})
    void brokenOrUnknownUrlsAreAnsweredWithProblemJson(String path) throws Exception {
        String response = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + countryToken("US") + "\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertThat(response).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
        assertThat(response.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(response).doesNotContain("<html");
    }

    @Test
    void aPathNoOperationServesUnderTheAgreementsIsAnsweredNotFoundInTheLedgersOwnWords() {
        for (String path : new String[] {"/agreements/" + agreementId + "/withdrawals", "/agreements/" + agreementId + "/x"}) {
            HttpResponse<String> posted = us.post(path, "{}");
            HttpResponse<String> read = us.get(path);
            for (HttpResponse<String> answer : List.of(posted, read)) {
                assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(404);
                JsonNode problem = us.json(answer);
                assertThat(problem.path("type").asText()).isEqualTo("https://agreement-ledger.org/problems/not-found");
                assertThat(problem.path("detail").asText()).contains("No operation").doesNotContain("static resource");
            }
        }
    }

    @Test
    void aHeaderCarryingAControlCharacterIsRejectedByTheFirewallBeforeTheTokenIsRead() throws Exception {
        // 0x85 is a C1 control once Tomcat decodes the header as ISO-8859-1; Tomcat lets it through, the firewall not
        String response = raw("GET /agreements/" + agreementId + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + countryToken("US") + "\u0085\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(response.toLowerCase()).contains("content-type: application/problem+json");
    }

    @Test
    void aQueryParameterTheCommandDoesNotTakeIsRefusedNamingItAndNothingIsAppended() {
        long before = eventsOf(agreementId);
        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/transfers?dryRun=true", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-15",
                 "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 1}]}""");
        assertThat(assertProblem(response, 400, "dryRun").path("type").asText()).endsWith("/invalid-request");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @Test
    void wrongMethodsMediaTypesAndAcceptsAreAnsweredWithProblemJson() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String token = "Bearer " + countryToken("US");
        Map<Integer, HttpRequest> cases = Map.of(
                405, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/agreements/" + agreementId + "/acceptances"))
                        .header("Authorization", token).GET().build(),
                415, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/agreements/" + agreementId + "/transfers"))
                        .header("Authorization", token).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("3 people")).build(),
                406, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/agreements/" + agreementId))
                        .header("Authorization", token).header("Accept", "image/png").GET().build());
        for (Map.Entry<Integer, HttpRequest> each : cases.entrySet()) {
            HttpResponse<String> response = http.send(each.getValue(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(each.getValue().toString()).isEqualTo(each.getKey());
            assertThat(response.headers().firstValue("Content-Type")).as(each.getValue().toString())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            if (each.getKey() != 405) {
                JsonNode problem = us.json(response);
                assertThat(problem.path("type").asText()).as(response.body())
                        .endsWith(each.getKey() == 415 ? "/unsupported-media-type" : "/not-acceptable");
                assertThat(problem.path("field").asText()).isEqualTo(each.getKey() == 415 ? "Content-Type" : "Accept");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"+999999999-12-31", "+10000-01-01", "0000-12-31", "-0044-03-15"})
    void aDateNoReaderCouldHoldIsRefusedNamingTheFieldAndNothingIsAppended(String date) {
        long before = eventsOf(agreementId);

        HttpResponse<String> response = us.post("/agreements/" + agreementId + "/fee-payments", """
                {"payer": "US", "payee": "SV", "amount": {"amount": "1.00", "currency": "USD"}, "paidOn": "%s"}"""
                .formatted(date));

        JsonNode problem = assertProblem(response, 400, "paidOn");
        assertThat(problem.path("detail").asText()).contains("0001-01-01 to 9999-12-31");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
        HttpResponse<String> offer = as(port, "SV").post("/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "title": "t", "offeredOn": "2025-02-03",
                 "validity": {"from": "2025-02-03", "until": "%s"}}""".formatted(date));
        assertProblem(offer, 400, "validity.until");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json; charset=ISO-8859-1", "application/json;charset=utf-16",
            "application/json; charset=windows-1252", "application/json; charset=US-ASCII"})
    void aBodyDeclaredInACharsetOtherThanUtf8IsRefusedRatherThanReadAsIfItWere(String contentType) throws Exception {
        long before = eventsOf(agreementId);

        HttpResponse<String> response = postBytes(contentType, TRANSFER_WITH_REFERENCE.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
        JsonNode problem = us.json(response);
        assertThat(problem.path("type").asText()).endsWith("/unsupported-media-type");
        assertThat(problem.path("field").asText()).isEqualTo("Content-Type");
        assertThat(problem.path("detail").asText()).contains("UTF-8");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/json", "application/json; charset=UTF-8", "application/json;charset=utf-8"})
    void aBodyInUtf8IsRecordedCharacterForCharacter(String contentType) throws Exception {
        HttpResponse<String> response = postBytes(contentType, TRANSFER_WITH_REFERENCE.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode events = us.json(us.get("/agreements/" + agreementId)).get("events");
        assertThat(events.get(events.size() - 1).path("payload").path("reference").asText()).isEqualTo("Vuelo señor 🛫");
    }

    @ParameterizedTest(name = "{0} twice")
    @ValueSource(strings = {"Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id", "traceparent"})
    void aHeaderGivenTwiceIsRefusedNamingItRatherThanTheFirstWinning(String name) throws Exception {
        Map<String, List<String>> twice = Map.of(
                "Authorization", List.of("Bearer " + countryToken("US"), "Bearer " + countryToken("SV")),
                "Content-Type", List.of("application/json", "text/plain"),
                "Idempotency-Key", List.of("first-key", "second-key"),
                "X-Correlation-Id", List.of("first", "second"),
                "traceparent", List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/agreements/" + agreementId + "/transfers"))
                .POST(HttpRequest.BodyPublishers.ofString(TRANSFER.formatted("3")));
        if (!name.equals("Authorization")) {
            request.header("Authorization", "Bearer " + countryToken("US"));
        }
        if (!name.equals("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        twice.get(name).forEach(value -> request.header(name, value));
        long before = eventsOf(agreementId);

        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(assertProblem(response, 400, name).path("detail").asText()).contains("more than once");
        assertThat(eventsOf(agreementId)).isEqualTo(before);
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = us.json(response);
        assertThat(problem.path("field").asText()).as(response.body()).contains(field);
        return problem;
    }

    private HttpResponse<String> postBytes(String contentType, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/agreements/" + agreementId + "/transfers"))
                .header("Authorization", "Bearer " + countryToken("US")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long eventsOf(String agreement) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, agreement);
    }

    /** A request exactly as written, without a client's normalising of the path. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
