package org.agreementledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.stack.StackConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One HTTP client of the two services. Each instance has its own {@link HttpClient}, hence its own
 * keep-alive connection, as independent callers of the API would.
 */
final class LedgerHttp {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            // Plain HTTP/1.1: the default would offer an h2c upgrade that the services ignore.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String ledgerUrl;
    private final String projectionUrl;
    private final String offeringToken;
    private final String offerRequest;
    private final String amendingToken;
    private final String readingToken;

    /** Offers as El Salvador's service, amends as the United States', reads the projection as a dashboard. */
    LedgerHttp(StackConfig config, LocalIdentityProvider identity) {
        this(config.ledgerUrl(), config, identity);
    }

    /** As {@link #LedgerHttp(StackConfig, LocalIdentityProvider)}, commands sent to another base URL (the REST floor). */
    LedgerHttp(String ledgerUrl, StackConfig config, LocalIdentityProvider identity) {
        this(ledgerUrl, config, identity, "SV", "US");
    }

    /** Offers as {@code offeringCountry}'s service, to {@code otherCountry}. */
    LedgerHttp(String ledgerUrl, StackConfig config, LocalIdentityProvider identity, String offeringCountry,
               String otherCountry) {
        this.ledgerUrl = ledgerUrl;
        this.projectionUrl = config.projectionUrl();
        this.offeringToken = identity.mint("bench-" + offeringCountry.toLowerCase(java.util.Locale.ROOT), offeringCountry,
                List.of("ledger.write"), Duration.ofDays(1));
        this.offerRequest = SampleEvent.offerRequest(offeringCountry, otherCountry);
        this.amendingToken = identity.mint("bench-us", "US", List.of("ledger.write"), Duration.ofDays(1));
        this.readingToken = identity.mint("bench-dashboard", null, List.of("ledger.read"), Duration.ofDays(1));
    }

    /** Offers the sample agreement; returns its id once the ledger has answered 201. */
    String offer() throws IOException, InterruptedException {
        return offer(false);
    }

    /** Offers, with a fresh {@code Idempotency-Key} when {@code withKey}, as a real client sends every command. */
    String offer(boolean withKey) throws IOException, InterruptedException {
        HttpResponse<String> response = post(ledgerUrl + "/agreements", offerRequest, offeringToken,
                withKey ? java.util.UUID.randomUUID().toString() : null);
        return body(response, 201).path("agreementId").asText();
    }

    /** Amends the agreement's offer; returns the agreement's version (last sequence number) after it. */
    long amend(String agreementId) throws IOException, InterruptedException {
        HttpResponse<String> response = post(ledgerUrl + "/agreements/" + agreementId + "/amendments",
                SampleEvent.amendmentRequest(), amendingToken, null);
        return body(response, 200).path("version").asLong();
    }

    /** Whether the projection serves the agreement yet (200) or not (404). */
    boolean projected(String agreementId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(projectionUrl + "/agreements/" + agreementId))
                .header("Authorization", "Bearer " + readingToken)
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            return true;
        }
        if (response.statusCode() == 404) {
            return false;
        }
        throw new UnexpectedStatus("GET", response);
    }

    private HttpResponse<String> post(String url, String json, String token, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response, int expectedStatus) throws IOException {
        if (response.statusCode() != expectedStatus) {
            throw new UnexpectedStatus("POST", response);
        }
        return JSON.readTree(response.body());
    }

    static final class UnexpectedStatus extends IOException {
        UnexpectedStatus(String method, HttpResponse<String> response) {
            super(method + " " + response.uri().getPath() + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }

        private static String abbreviate(String body) {
            String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
            return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
        }
    }
}
