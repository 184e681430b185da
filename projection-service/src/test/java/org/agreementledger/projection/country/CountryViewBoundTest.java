package org.agreementledger.projection.country;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A country's view lists every commitment it holds, built in memory: one country with tens of thousands ran the
 * projection out of heap for everyone. Beyond the bound it is refused whole, by REST, live and on the topic, and
 * answers again once the country is back under it; the auditor's views list all of them all the while.
 */
class CountryViewBoundTest extends ProjectionIntegrationTest {

    private static final LocalDate DAY = LocalDate.of(2025, 6, 1);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void aCountryHoldingMoreCommitmentsThanOneViewListsIsRefusedWholeNotCutStillAuditedInFullAndAnswersAgainOnceBackUnder()
            throws Exception {
        CountryCode sz = CountryCode.of("SZ");
        CountryCode mw = CountryCode.of("MW");
        List<Commitment> commitments = Collections.nCopies(100, new Commitment.AcceptPeople(sz, NationalityScope.any(),
                Set.of(PersonCategory.IRREGULAR_MIGRANT), List.of(mw), null, null, false));
        int agreements = CountryCommitmentsView.MAX_COMMITMENTS_LISTED / 100 + 1;
        List<AgreementId> ids = new ArrayList<>();
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            for (int i = 0; i < agreements; i++) {
                AgreementId id = AgreementId.generate();
                ids.add(id);
                records.publish(new AgreementOffered(id, mw, List.of(mw, sz), DAY,
                        new AgreementTerms("Eswatini takes many", commitments, List.of(), new Validity(DAY, null)), null), 0);
            }
        }

        HttpResponse<String> refused = await("/countries/SZ/commitments", answer -> answer.statusCode() == 422);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asText()).endsWith("/view-too-large");
        assertThat(problem.get("commitments").asLong()).isEqualTo(agreements * 100L);
        assertThat(problem.get("maxCommitments").asInt()).isEqualTo(CountryCommitmentsView.MAX_COMMITMENTS_LISTED);
        assertThat(problem.get("detail").asText()).contains("/agreements?party=SZ");
        assertThat(get("/live/countries/SZ/commitments").statusCode()).as("the live view too, before it opens")
                .isEqualTo(422);
        assertThat(get("/countries/MW/commitments").statusCode()).as("its partner's view lists none of them")
                .isEqualTo(200);
        JsonNode topic = awaitTopic(health -> health.path("details").path("overTheBound").path("SZ")
                .path("commitments").asLong() == agreements * 100L);
        assertThat(topic.get("status").asText()).isEqualTo("DEGRADED");

        List<String> audited = new ArrayList<>();
        HttpResponse<String> views = get("/audit/views", TOKENS.mint("auditor", null, List.of("ledger.audit"),
                Duration.ofHours(1)));
        assertThat(views.statusCode()).as("an auditor still gets every commitment of a country too large for its view")
                .isEqualTo(200);
        json.readTree(views.body()).get("countryCommitments").forEach(row -> {
            if (row.get("country").asText().equals("SZ")) {
                assertThat(row.get("personsReceived").asLong()).isZero();
                audited.add(row.get("agreementId").asText() + "/" + String.format("%03d", row.get("commitment").asInt()));
            }
        });
        assertThat(audited).hasSize(agreements * 100).isSorted();

        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            records.publish(new OfferWithdrawn(ids.get(0), mw, DAY, "superseded"), 1);
        }
        HttpResponse<String> answered = await("/countries/SZ/commitments", answer -> answer.statusCode() == 200);
        assertThat(json.readTree(answered.body()).get("accepts")).hasSize(CountryCommitmentsView.MAX_COMMITMENTS_LISTED);

        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            for (AgreementId id : ids.subList(1, ids.size())) {
                records.publish(new OfferWithdrawn(id, mw, DAY, "superseded"), 1);
            }
        }
        assertThat(awaitTopic(health -> !health.path("details").path("overTheBound").has("SZ")))
                .as("published again once small").isNotNull();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, dashboardToken());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> await(String path, java.util.function.Predicate<HttpResponse<String>> until)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> answer = null;
        while (System.nanoTime() < deadline) {
            answer = get(path);
            if (until.test(answer)) {
                return answer;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("never: " + (answer == null ? "no answer" : answer.statusCode() + " " + answer.body()));
    }

    private JsonNode awaitTopic(java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode component = null;
        while (System.nanoTime() < deadline) {
            component = json.readTree(get("/actuator/health").body()).path("components").path("commitmentsTopic");
            if (until.test(component)) {
                return component;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the commitments topic's health never matched: " + component);
    }
}
