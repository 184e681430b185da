package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.support.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OfferingAnAgreementTest extends LedgerIntegrationTest {

    private static final String SV_OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"],
             "title": "El Salvador offers to take deportees of any nationality into CECOT for a fee",
             "offeredOn": "2025-02-03"}""";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anOfferIsAppendedToThePostgresEventStoreAndPublishedToKafka() throws Exception {
        HttpResponse<String> response = post("/agreements", SV_OFFER, Map.of("X-Correlation-Id", "ministry-req-42"));

        assertThat(response.statusCode()).isEqualTo(201);
        String agreementId = json.readTree(response.body()).get("agreementId").asText();
        assertThat(response.headers().firstValue("Location")).hasValue("http://localhost:" + port + "/agreements/" + agreementId);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"0\"");

        Map<String, Object> row = jdbc.queryForMap("""
                SELECT payloadtype, sequencenumber, pg_typeof(payload)::text AS column_type, convert_from(payload, 'UTF8') AS payload
                FROM domainevententry WHERE aggregateidentifier = ?""", agreementId);
        assertThat(row.get("payloadtype")).isEqualTo("org.agreementledger.contract.AgreementOffered");
        assertThat(row.get("sequencenumber")).isEqualTo(0L);
        assertThat(row.get("column_type")).isEqualTo("bytea");
        assertThat((String) row.get("payload")).contains("\"offeringParty\":\"SV\"");

        List<ConsumerRecord<String, byte[]>> records = TopicReader.awaitRecords(
                SharedTestInfrastructure.get().kafka().bootstrapServers(), TOPIC,
                r -> agreementId.equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(TopicReader.header(record, EventHeaders.TYPE)).isEqualTo("AgreementOffered");
        assertThat(TopicReader.header(record, EventHeaders.SEQUENCE)).isEqualTo("0");
        assertThat(TopicReader.header(record, EventHeaders.ID)).isNotBlank();
        assertThat(TopicReader.header(record, EventHeaders.TIME)).isNotBlank();
        assertThat(TopicReader.header(record, EventHeaders.CORRELATION_ID)).isEqualTo("ministry-req-42");
        JsonNode body = json.readTree(new String(record.value(), StandardCharsets.UTF_8));
        assertThat(body.get("agreementId").asText()).isEqualTo(agreementId);
        assertThat(body.get("parties").toString()).isEqualTo("[\"SV\",\"US\"]");
        assertThat(body.get("offeredOn").asText()).isEqualTo("2025-02-03");
    }

    @Test
    void theLedgerShowsItsOwnRecordOfAnAgreement() throws Exception {
        String agreementId = json.readTree(post("/agreements", SV_OFFER, Map.of()).body()).get("agreementId").asText();
        HttpResponse<String> amended = post("/agreements/" + agreementId + "/amendments",
                """
                {"party": "US", "amendedOn": "2025-02-04", "title": "Counter-offer: no US citizens",
                 "validity": {"from": "2025-02-04"}}""", Map.of("Authorization", "Bearer " + countryToken("US")));
        assertThat(amended.statusCode()).isEqualTo(200);

        HttpResponse<String> record = get("/agreements/" + agreementId);

        assertThat(record.statusCode()).isEqualTo(200);
        assertThat(record.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode events = json.readTree(record.body()).get("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("type").asText()).isEqualTo("AgreementOffered");
        assertThat(events.get(1).get("type").asText()).isEqualTo("OfferAmended");
        assertThat(events.get(1).get("payload").get("terms").get("title").asText()).isEqualTo("Counter-offer: no US citizens");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown country code   | {\"offeringParty\": \"XX\", \"otherParties\": [\"US\"], \"title\": \"t\", \"offeredOn\": \"2025-02-03\"} | offeringParty",
            "lower-case country     | {\"offeringParty\": \"SV\", \"otherParties\": [\"us\"], \"title\": \"t\", \"offeredOn\": \"2025-02-03\"} | otherParties[0]",
            "missing title          | {\"offeringParty\": \"SV\", \"otherParties\": [\"US\"], \"offeredOn\": \"2025-02-03\"} | title",
            "missing offered date   | {\"offeringParty\": \"SV\", \"otherParties\": [\"US\"], \"title\": \"t\"} | offeredOn",
            "no other party         | {\"offeringParty\": \"SV\", \"otherParties\": [], \"title\": \"t\", \"offeredOn\": \"2025-02-03\"} | otherParties",
            "not a date             | {\"offeringParty\": \"SV\", \"otherParties\": [\"US\"], \"title\": \"t\", \"offeredOn\": \"3 Feb\"} | offeredOn",
            "parties not a list     | {\"offeringParty\": \"SV\", \"otherParties\": \"US\", \"title\": \"t\", \"offeredOn\": \"2025-02-03\"} | otherParties",
    })
    void badOffersAreRefusedWithAProblemNamingTheFieldAndNothingIsAppended(String caseName, String body, String field)
            throws Exception {
        String correlation = UUID.randomUUID().toString();

        HttpResponse<String> response = post("/agreements", body, Map.of("X-Correlation-Id", correlation));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asText()).startsWith("https://agreement-ledger.org/problems/");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("field").asText()).isEqualTo(field);
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    @Test
    void malformedJsonIsRefusedAndNothingIsAppended() throws Exception {
        String correlation = UUID.randomUUID().toString();

        HttpResponse<String> response = post("/agreements", "{\"offeringParty\": \"SV\", ", Map.of("X-Correlation-Id", correlation));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(response.body()).get("type").asText())
                .isEqualTo("https://agreement-ledger.org/problems/malformed-json");
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    @Test
    void aCountryNamedTwiceBreaksARuleAndNothingIsAppended() throws Exception {
        String correlation = UUID.randomUUID().toString();

        HttpResponse<String> response = post("/agreements", """
                {"offeringParty": "SV", "otherParties": ["US", "SV"], "title": "t", "offeredOn": "2025-02-03"}""",
                Map.of("X-Correlation-Id", correlation));

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/duplicate-party");
        assertThat(problem.get("field").asText()).isEqualTo("otherParties");
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a category twice      | \"categories\": [\"GANG_MEMBER\", \"GANG_MEMBER\"], \"fromParties\": [\"US\"], \"nationalities\": {\"kind\": \"ANY\"} | 400 | invalid-request       | commitments[0].categories",
            "a sender twice        | \"categories\": [\"GANG_MEMBER\"], \"fromParties\": [\"US\", \"US\"], \"nationalities\": {\"kind\": \"ANY\"} | 422 | duplicate-party       | commitments[0].fromParties",
            "a nationality twice   | \"categories\": [\"GANG_MEMBER\"], \"nationalities\": {\"kind\": \"LISTED\", \"nationalities\": [\"VE\", \"VE\"]} | 422 | duplicate-nationality | commitments[0].nationalities.nationalities",
    })
    void anEntryNamedTwiceInACommitmentIsRefusedRatherThanKeptOnceOrTwice(String caseName, String members, int status,
                                                                          String problem, String field) throws Exception {
        String correlation = UUID.randomUUID().toString();

        HttpResponse<String> response = post("/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "title": "t", "offeredOn": "2025-02-03",
                 "commitments": [{"type": "accept-people", "party": "SV", %s}]}""".formatted(members),
                Map.of("X-Correlation-Id", correlation));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode refusal = json.readTree(response.body());
        assertThat(refusal.get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/" + problem);
        assertThat(refusal.get("field").asText()).isEqualTo(field);
        assertThat(refusal.get("detail").asText()).contains("more than once");
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    @Test
    void amendingAnUnknownAgreementIsNotFoundAndNothingIsAppended() throws Exception {
        String correlation = UUID.randomUUID().toString();
        String unknown = "00000000-0000-4000-8000-000000000000";

        HttpResponse<String> response = post("/agreements/" + unknown + "/amendments",
                "{\"party\": \"US\", \"amendedOn\": \"2025-02-04\", \"title\": \"t\", \"validity\": {\"from\": \"2025-02-04\"}}",
                Map.of("Authorization", "Bearer " + countryToken("US"), "X-Correlation-Id", correlation));

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/unknown-agreement");
        assertThat(problem.get("agreementId").asText()).isEqualTo(unknown);
        assertThat(eventsCorrelatedWith(jdbc, correlation)).isZero();
    }

    @Test
    void theEventStoreRefusesToRewriteHistory() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                jdbc.update("UPDATE domainevententry SET payloadtype = 'forged'")))
                .hasMessageContaining("append-only");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                jdbc.update("DELETE FROM domainevententry")))
                .hasMessageContaining("append-only");
    }

    /** Posts as El Salvador's integration service unless the headers name another token. */
    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + countryToken("SV"));
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + countryToken("SV")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
