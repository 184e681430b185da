package org.agreementledger.projection.country;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The country view counts capacity as the ledger does (TransferRulesTest): each person against the first of the
 * receiver's accept commitments that takes them, so overlapping commitments keep their capacities apart.
 */
class OverlappingCommitmentsTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode VE = CountryCode.of("VE");
    private static final LocalDate FEB_3 = LocalDate.of(2025, 2, 3);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void eachPersonCountsAgainstTheFirstCommitmentThatTakesThemSoTheDashboardShowsTheCapacityTheLedgerStillAccepts()
            throws Exception {
        AgreementId id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Guatemala: migrants, and convicted Venezuelans apart", List.of(
                new AcceptPeople(GT, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT), List.of(), null,
                        new Capacity(100, Capacity.Period.MONTH), false),
                new AcceptPeople(GT, NationalityScope.listed(List.of(VE)),
                        Set.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.CONVICTED_CRIMINAL), List.of(),
                        "CECOT-like facility", new Capacity(50, Capacity.Period.MONTH), false)),
                List.of(), new Validity(FEB_3, null));
        TransferId cancelledFlight = TransferId.generate();
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), FEB_3, terms, null), 0);
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)), 2);
        records.publish(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 15),
                List.of(venezuelans(PersonCategory.IRREGULAR_MIGRANT, 80)), null), 3);
        records.publish(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 16),
                List.of(venezuelans(PersonCategory.CONVICTED_CRIMINAL, 40)), null), 4);
        records.publish(new TransferRecorded(id, cancelledFlight, US, GT, LocalDate.of(2025, 3, 17),
                List.of(venezuelans(PersonCategory.IRREGULAR_MIGRANT, 30)), null), 5);
        records.publish(new TransferCancelled(id, cancelledFlight, LocalDate.of(2025, 3, 17), "aircraft"), 6);

        List<JsonNode> accepts = awaitAccepts(id, accept -> accept.size() == 2
                && accept.get(0).path("personsReceived").asLong() == 80
                && accept.get(1).path("personsReceived").asLong() == 40);

        assertThat(accepts.get(0).get("commitment").asInt()).isZero();
        assertThat(march(accepts.get(0)).get("used").asLong()).isEqualTo(80);
        assertThat(march(accepts.get(0)).get("remaining").asLong()).isEqualTo(20);
        assertThat(accepts.get(1).get("commitment").asInt()).isEqualTo(1);
        assertThat(march(accepts.get(1)).get("used").asLong()).isEqualTo(40);
        assertThat(march(accepts.get(1)).get("remaining").asLong()).isEqualTo(10);
        JsonNode audited = json.readTree(get("/audit/views",
                TOKENS.mint("auditor", null, List.of("ledger.audit"), Duration.ofHours(1))).body());
        List<String> rows = new ArrayList<>();
        audited.get("countryCommitments").forEach(row -> {
            if (row.get("agreementId").asText().equals(id.value())) {
                rows.add(row.toString());
            }
        });
        assertThat(rows).containsExactly(
                "{\"country\":\"GT\",\"agreementId\":\"" + id.value() + "\",\"commitment\":0,\"capacityPersons\":100,"
                        + "\"capacityPeriod\":\"MONTH\",\"personsReceived\":80,\"usedPerPeriod\":{\"2025-03\":80}}",
                "{\"country\":\"GT\",\"agreementId\":\"" + id.value() + "\",\"commitment\":1,\"capacityPersons\":50,"
                        + "\"capacityPeriod\":\"MONTH\",\"personsReceived\":40,\"usedPerPeriod\":{\"2025-03\":40}}");
    }

    private static Headcount venezuelans(PersonCategory category, int count) {
        return new Headcount(VE, category, Sex.MALE, AgeGroup.NOT_RECORDED, count);
    }

    private static JsonNode march(JsonNode accept) {
        for (JsonNode use : accept.get("capacity").get("use")) {
            if (use.get("period").asText().equals("2025-03")) {
                return use;
            }
        }
        throw new AssertionError("no use in 2025-03: " + accept);
    }

    private List<JsonNode> awaitAccepts(AgreementId id, Predicate<List<JsonNode>> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<JsonNode> accepts = List.of();
        while (System.nanoTime() < deadline) {
            accepts = new ArrayList<>();
            for (JsonNode accept : json.readTree(get("/countries/GT/commitments", dashboardToken()).body()).path("accepts")) {
                if (accept.get("agreementId").asText().equals(id.value())) {
                    accepts.add(accept);
                }
            }
            if (until.test(accepts)) {
                return accepts;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the commitments never showed the transfers: " + accepts);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
