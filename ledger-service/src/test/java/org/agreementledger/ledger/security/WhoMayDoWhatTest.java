package org.agreementledger.ledger.security;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every boundary of who may do what: no token, a bad token, the wrong role, another country's name, a
 * non-party; each refused with a problem response, and nothing appended.
 */
class WhoMayDoWhatTest extends LedgerIntegrationTest {

    private static final String SV_OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "CECOT", "offeredOn": "2025-02-03",
             "commitments": [{"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                              "categories": ["GANG_MEMBER"], "fromParties": ["US"], "facility": "CECOT"}]}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private String agreementId;

    @BeforeEach
    void elSalvadorHasOffered() {
        agreementId = as(port, "SV").ok("/agreements", SV_OFFER).get("agreementId").asText();
    }

    @Test
    void withoutATokenNothingGetsIn() {
        refused(new LedgerHttp(port, null), "/agreements", SV_OFFER, 401, "unauthenticated");
        assertThat(new LedgerHttp(port, null).get("/agreements/" + agreementId).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        LocalIdentityProvider forger = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("forger"));
        String forged = forger.mint("forger", "SV", List.of("ledger.write"), Duration.ofHours(1));
        refused(new LedgerHttp(port, forged), "/agreements", SV_OFFER, 401, "unauthenticated");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        String expired = TOKENS.mint("svc-sv", "SV", List.of("ledger.write"), yesterday, yesterday.plusSeconds(60),
                LocalIdentityProvider.ISSUER);
        refused(new LedgerHttp(port, expired), "/agreements", SV_OFFER, 401, "unauthenticated");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        Instant now = Instant.now();
        String foreign = TOKENS.mint("svc-sv", "SV", List.of("ledger.write"), now, now.plusSeconds(600),
                "https://identity.example.org/other");
        refused(new LedgerHttp(port, foreign), "/agreements", SV_OFFER, 401, "unauthenticated");
    }

    @Test
    void aTokenWhoseSubjectNoEventCouldRecordAsItsPrincipalIsRefused() {
        Instant now = Instant.now();
        for (String subject : new String[] {null, "", "s".repeat(256), "svc\u0000sv"}) {
            String token = TOKENS.mint(subject, "SV", List.of("ledger.write"), now, now.plusSeconds(600),
                    LocalIdentityProvider.ISSUER);
            refused(new LedgerHttp(port, token), "/agreements", SV_OFFER, 401, "unauthenticated");
        }
        String longest = "s".repeat(255);
        LedgerHttp longestName = new LedgerHttp(port, TOKENS.mint(longest, "SV", List.of("ledger.write"), now,
                now.plusSeconds(600), LocalIdentityProvider.ISSUER));
        String offered = longestName.ok("/agreements", SV_OFFER).get("agreementId").asText();
        JsonNode events = longestName.json(longestName.get("/agreements/" + offered)).get("events");
        assertThat(events.get(0).get("metaData").get("principal").asText()).isEqualTo(longest);
    }

    @Test
    void aCountryCannotOfferInAnotherCountrysName() {
        refused(as(port, "US"), "/agreements", SV_OFFER, 403, "acting-for-another-country");
    }

    @Test
    void aCountryCannotAcceptInAnotherCountrysName() {
        refused(as(port, "SV"), "/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}", 403, "acting-for-another-country");
    }

    @Test
    void aCountryThatIsNotAPartyCannotActOnTheAgreement() {
        refused(as(port, "MX"), "/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"MX\", \"acceptedOn\": \"2025-02-04\"}", 403, "not-a-party");
    }

    @Test
    void onlyTheSendingCountryRecordsItsTransfers() {
        as(port, "US").ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}");
        refused(as(port, "SV"), "/agreements/" + agreementId + "/transfers", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-15",
                 "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 10}]}""",
                403, "acting-for-another-country");
    }

    @Test
    void anAuditorReadsEverythingAndChangesNothing() {
        LedgerHttp auditor = new LedgerHttp(port, TOKENS.mint("auditor-1", null, List.of("ledger.audit"), Duration.ofHours(1)));
        assertThat(auditor.get("/agreements/" + agreementId).statusCode()).isEqualTo(200);
        refused(auditor, "/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}", 403, "forbidden");
    }

    @Test
    void aDashboardCannotIssueCommands() {
        LedgerHttp dashboard = new LedgerHttp(port, TOKENS.mint("dashboard", null, List.of("ledger.read"), Duration.ofHours(1)));
        refused(dashboard, "/agreements", SV_OFFER, 403, "forbidden");
    }

    @Test
    void aWriterWithoutACountryCannotIssueCommands() {
        LedgerHttp stateless = new LedgerHttp(port, TOKENS.mint("nobody", null, List.of("ledger.write"), Duration.ofHours(1)));
        refused(stateless, "/agreements", SV_OFFER, 403, "no-country");
    }

    @Test
    void metricsAndHealthAreOpenButOtherActuatorEndpointsNeedAnAdmin() {
        LedgerHttp anonymous = new LedgerHttp(port, null);
        assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = anonymous.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("ledger_events_published_total", "commandBus_");
        assertThat(as(port, "SV").get("/actuator/metrics").statusCode()).isEqualTo(403);
        LedgerHttp admin = new LedgerHttp(port, TOKENS.mint("ops", null, List.of("ledger.admin"), Duration.ofHours(1)));
        assertThat(admin.get("/actuator/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aServiceSendingItsTokenAgainIsNotVerifiedAgainAndMetricsSaySo() {
        LedgerHttp auditor = new LedgerHttp(port, TOKENS.mint("auditor-cache", null, List.of("ledger.audit"), Duration.ofHours(1)));
        double before = verifiedTokenHits();

        assertThat(auditor.get("/agreements/" + agreementId).statusCode()).isEqualTo(200);
        assertThat(auditor.get("/agreements/" + agreementId).statusCode()).isEqualTo(200);

        assertThat(verifiedTokenHits()).isGreaterThanOrEqualTo(before + 1);
    }

    private double verifiedTokenHits() {
        java.util.regex.Matcher hits = java.util.regex.Pattern.compile(
                        "(?m)^cache_gets_total\\{[^}]*cache=\"verified-tokens\",[^}]*result=\"hit\"[^}]*} (\\S+)$")
                .matcher(new LedgerHttp(port, null).get("/actuator/prometheus").body());
        assertThat(hits.find()).as("cache_gets_total{cache=\"verified-tokens\",result=\"hit\"} in /actuator/prometheus").isTrue();
        return Double.parseDouble(hits.group(1));
    }

    @Test
    void everyEventRecordsTheCallerFromItsTokenNotFromTheRequest() {
        LedgerHttp unitedStates = as(port, "US");
        HttpResponse<String> forged = unitedStates.post("/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\", \"principal\": \"forged\", \"country\": \"SV\"}");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(unitedStates.json(forged).get("field").asText()).isIn("principal", "country");
        HttpResponse<String> accepted = unitedStates.post("/agreements/" + agreementId + "/acceptances",
                "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}", Map.of("X-Correlation-Id", "dhs-request-7781"));
        assertThat(accepted.statusCode()).isEqualTo(200);

        JsonNode events = unitedStates.json(unitedStates.get("/agreements/" + agreementId)).get("events");
        JsonNode acceptance = events.get(1).get("metaData");
        assertThat(acceptance.get("principal").asText()).isEqualTo("integration-service-us");
        assertThat(acceptance.get("country").asText()).isEqualTo("US");
        assertThat(acceptance.get("roles").asText()).isEqualTo("ledger.write");
        assertThat(acceptance.get("correlationId").asText()).isEqualTo("dhs-request-7781");
        JsonNode inForce = events.get(2).get("metaData");
        assertThat(inForce.get("principal").asText()).isEqualTo("integration-service-us");
        assertThat(events.get(0).get("metaData").get("principal").asText()).isEqualTo("integration-service-sv");
    }

    @Test
    void aW3cTraceparentBecomesTheCorrelationId() {
        LedgerHttp unitedStates = as(port, "US");
        unitedStates.post("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}",
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        JsonNode events = unitedStates.json(unitedStates.get("/agreements/" + agreementId)).get("events");
        assertThat(events.get(1).get("metaData").get("correlationId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    private void refused(LedgerHttp caller, String path, String body, int status, String problem) {
        long eventsBefore = eventCount();
        HttpResponse<String> response = caller.post(path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(caller.json(response).get("type").asText()).isEqualTo("https://agreement-ledger.org/problems/" + problem);
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class);
    }
}
