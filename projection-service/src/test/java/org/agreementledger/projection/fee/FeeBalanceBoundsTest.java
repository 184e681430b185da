package org.agreementledger.projection.fee;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.TransferId;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Fee balances hold every amount the contract allows in an event, and sums of them, to the minor unit. */
class FeeBalanceBoundsTest extends ProjectionIntegrationTest {

    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void theLargestAssessmentsTheContractAllowsAddUpExactly() throws Exception {
        AgreementId id = AgreementId.generate();
        String largest = "9".repeat(ContractLimits.MAX_AMOUNT_INTEGER_DIGITS) + ".99";
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            records.publish(new AgreementOffered(id, SV, List.of(SV, US), LocalDate.of(2025, 2, 3),
                    new AgreementTerms("the largest fees", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null), 0);
            for (int sequence = 1; sequence <= 2; sequence++) {
                records.publish(new FeeAssessed(id, TransferId.generate(), US, SV, Money.of(largest, "USD"),
                        FeeSchedule.Basis.PER_PERSON_PER_YEAR, 10_000_000, LocalDate.of(2025, 3, 15)), sequence);
            }
        }

        await("/agreements/" + id, view -> view.get("version").asLong() == 2);
        JsonNode fees = get("/agreements/" + id + "/fees");

        assertThat(fees.get(0).get("assessed").asText()).isEqualTo("1" + "9".repeat(ContractLimits.MAX_AMOUNT_INTEGER_DIGITS) + ".98");
    }

    private JsonNode await(String path, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(path);
            if (response.statusCode() == 200 && until.test(json.readTree(response.body()))) {
                return json.readTree(response.body());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching answer from " + path);
    }

    private JsonNode get(String path) throws Exception {
        return json.readTree(send(path).body());
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + dashboardToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
