package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.infra.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's story, end to end: the real stack (PostgreSQL, Kafka, both services as processes, as the
 * run command starts them), an offer over HTTP, the agreement in the projection built from the topic.
 */
class LocalStackEndToEndIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anOfferMadeOverHttpAppearsInTheProjectionAndSurvivesARestartOfTheStack(@TempDir Path data) throws Exception {
        StackConfig config = StackConfig.parse(new String[]{
                "--data-dir=" + data,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next()});
        String agreementId;
        try (LocalStack stack = LocalStack.start(config)) {
            assertThat(healthOf(config.ledgerUrl())).isEqualTo("UP");
            assertThat(healthOf(config.projectionUrl())).isEqualTo("UP");

            HttpResponse<String> offered = http.send(HttpRequest.newBuilder(URI.create(config.ledgerUrl() + "/agreements"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"offeringParty": "SV", "otherParties": ["US"],
                             "title": "Deportees of any nationality into CECOT, for a fee", "offeredOn": "2025-02-03"}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(offered.statusCode()).isEqualTo(201);
            agreementId = json.readTree(offered.body()).get("agreementId").asText();
            assertThat(offered.headers().firstValue("Location")).hasValue(config.ledgerUrl() + "/agreements/" + agreementId);

            JsonNode projected = awaitAgreement(config.projectionUrl(), agreementId, Duration.ofSeconds(15));
            assertThat(projected.get("offeringParty").asText()).isEqualTo("SV");
            assertThat(projected.get("parties").toString()).isEqualTo("[\"SV\",\"US\"]");
            assertThat(projected.get("status").asText()).isEqualTo("OFFERED");

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(config.ledgerUrl() + "/agreements"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"offeringParty": "SV", "otherParties": ["ZZ"], "title": "t", "offeredOn": "2025-02-03"}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(refused.body()).get("field").asText()).isEqualTo("otherParties[0]");
        }

        try (LocalStack restarted = LocalStack.start(config)) {
            JsonNode kept = awaitAgreement(config.projectionUrl(), agreementId, Duration.ofSeconds(15));
            assertThat(kept.get("title").asText()).isEqualTo("Deportees of any nationality into CECOT, for a fee");
            HttpResponse<String> record = http.send(HttpRequest.newBuilder(
                    URI.create(config.ledgerUrl() + "/agreements/" + agreementId)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(record.statusCode()).isEqualTo(200);
            assertThat(json.readTree(record.body()).get("events")).hasSize(1);
        }
    }

    private String healthOf(String baseUrl) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body()).get("status").asText();
    }

    private JsonNode awaitAgreement(String projectionUrl, String agreementId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> response;
        do {
            response = http.send(HttpRequest.newBuilder(URI.create(projectionUrl + "/agreements/" + agreementId)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return json.readTree(response.body());
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("agreement " + agreementId + " never reached the projection: " + response.body());
    }
}
