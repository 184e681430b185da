package org.agreementledger.projection.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A topic holding transfers recorded in schema version 1 (no age group) and version 2 replays to the right views. */
class OldAndNewEventShapesTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode PA = CountryCode.of("PA");
    private static final CountryCode CO = CountryCode.of("CO");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void transfersRecordedBeforeAndAfterAgeGroupsShowSideBySideAndACorrectionKeepsTheOriginal() throws Exception {
        AgreementId id = AgreementId.generate();
        String oldFlight = UUID.randomUUID().toString();
        TransferId newFlight = TransferId.generate();
        AgreementTerms terms = new AgreementTerms("Return flights", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 1), null));
        records.publish(new AgreementOffered(id, PA, List.of(PA, CO), LocalDate.of(2025, 2, 1), terms, null), 0);
        records.publish(new AgreementAccepted(id, CO, LocalDate.of(2025, 2, 2)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 2)), 2);
        records.publish("TransferRecorded", id, 3, 1, """
                {"agreementId":"%s","transferId":"%s","fromCountry":"PA","toCountry":"CO","transferDate":"2025-02-04",
                 "headcounts":[{"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"MALE","count":32},
                               {"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"FEMALE","count":11}]}"""
                .formatted(id.value(), oldFlight).getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString());
        records.publish("TransferCorrected", id, 4, 1, """
                {"agreementId":"%s","transferId":"%s","correctsSequence":3,"correctedOn":"2025-02-05","reason":"recount",
                 "headcounts":[{"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"MALE","count":31},
                               {"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"FEMALE","count":12}]}"""
                .formatted(id.value(), oldFlight).getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString());
        records.publish(new TransferRecorded(id, newFlight, PA, CO, LocalDate.of(2025, 3, 1),
                List.of(new Headcount(CO, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.MINOR, 4)), null), 5);

        JsonNode transfers = await("/agreements/" + id + "/transfers", node -> node.size() == 2);

        JsonNode old = transfers.get(0);
        assertThat(old.get("transferId").asText()).isEqualTo(oldFlight);
        assertThat(old.get("persons").asInt()).isEqualTo(43);
        assertThat(old.get("headcounts").findValuesAsText("ageGroup")).containsOnly("NOT_RECORDED");
        assertThat(old.get("originalHeadcounts").findValuesAsText("count")).containsExactly("32", "11");
        assertThat(old.get("originalPersons").asInt()).isEqualTo(43);
        assertThat(old.get("headcounts").findValuesAsText("count")).containsExactly("31", "12");
        assertThat(old.get("corrections").get(0).get("correctsSequence").asLong()).isEqualTo(old.get("recordedSequence").asLong());
        assertThat(transfers.get(1).get("headcounts").get(0).get("ageGroup").asText()).isEqualTo("MINOR");
    }

    @Test
    void anAgreementsTransfersAreAnsweredAllInDateOrderHoweverManyShareADay() throws Exception {
        AgreementId id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Many flights", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 1), null));
        records.publish(new AgreementOffered(id, PA, List.of(PA, CO), LocalDate.of(2025, 2, 1), terms, null), 0);
        records.publish(new AgreementAccepted(id, CO, LocalDate.of(2025, 2, 2)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 2)), 2);
        int transfers = 3 * org.agreementledger.projection.consumer.Json.ROWS_PER_CHUNK + 5;
        for (int i = 0; i < transfers; i++) {
            // recorded newest day first: the answer's order is the days', then the recording's
            records.publish(new TransferRecorded(id, TransferId.generate(), PA, CO, LocalDate.of(2025, 3, 3 - i % 3),
                    List.of(new Headcount(CO, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.ADULT, i + 1)), null), 3 + i);
        }

        JsonNode answered = await("/agreements/" + id + "/transfers", node -> node.size() == transfers);

        List<String> order = new java.util.ArrayList<>();
        answered.forEach(transfer -> order.add(transfer.get("transferDate").asText() + "/"
                + String.format("%05d", transfer.get("recordedSequence").asLong())));
        assertThat(order).doesNotHaveDuplicates().isSorted().hasSize(transfers);
    }

    @Test
    void onlyAuditorsAndOperatorsReadTheAuditorsShapeOfTheViews() throws Exception {
        String auditor = TOKENS.mint("auditor", null, List.of("ledger.audit"), Duration.ofHours(1));

        assertThat(get("/audit/views", auditor).statusCode()).isEqualTo(200);
        assertThat(json.readTree(get("/audit/views", auditor).body()).has("history")).isTrue();
        assertThat(get("/audit/views", dashboardToken()).statusCode()).isEqualTo(403);
        assertThat(get("/audit/views?position=zero", auditor).statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode await(String path, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(path, dashboardToken());
            if (response.statusCode() == 200 && until.test(json.readTree(response.body()))) {
                return json.readTree(response.body());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching answer from " + path);
    }
}
