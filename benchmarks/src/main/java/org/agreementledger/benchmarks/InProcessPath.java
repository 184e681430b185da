package org.agreementledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The ledger's in-process command path: one admin request to the ledger started with
 * {@code ledger.benchmark.in-process=true} (InProcessOffers) makes threads inside the ledger send offers through
 * Axon's command gateway for a given time; the answer is what they counted.
 */
final class InProcessPath {

    static final String ENABLE = "--ledger.benchmark.in-process=true";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(long offers, long errors, double seconds, double meanMillis, String firstError) {
        double perSecond() {
            return seconds > 0 ? offers / seconds : 0;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String ledgerUrl;
    private final String adminToken;

    InProcessPath(String ledgerUrl, String adminToken) {
        this.ledgerUrl = ledgerUrl;
        this.adminToken = adminToken;
    }

    Run run(int threads, int seconds) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(ledgerUrl + "/benchmark/in-process/offers?threads=" + threads + "&seconds=" + seconds))
                .timeout(Duration.ofSeconds(seconds + 120L))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(SampleEvent.offerRequest()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the in-process run answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode run = JSON.readTree(response.body());
        return new Run(run.path("offers").asLong(), run.path("errors").asLong(), run.path("seconds").asDouble(),
                run.path("meanMillis").asDouble(), run.hasNonNull("firstError") ? run.path("firstError").asText() : null);
    }
}
