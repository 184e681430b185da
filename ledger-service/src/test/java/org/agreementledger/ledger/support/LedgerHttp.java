package org.agreementledger.ledger.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.client.contract.ValidatingHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A caller of the ledger's REST API, as an integration service would be. */
public final class LedgerHttp {

    private static final ApiDocument DOCUMENT = ApiDocument.committed("ledger-service");

    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final String baseUrl;
    private final String token;

    public LedgerHttp(int port, String token) {
        this(port, token, HttpClient.newHttpClient());
    }

    private LedgerHttp(int port, String token, HttpClient http) {
        this.baseUrl = "http://localhost:" + port;
        this.token = token;
        this.http = http;
    }

    /**
     * A caller that also checks every answer of the API against the committed document
     * ({@code docs/openapi/ledger-service.json}): one the document does not describe fails the test.
     */
    public static LedgerHttp checked(int port, String token) {
        return new LedgerHttp(port, token, new ValidatingHttpClient(HttpClient.newHttpClient(), DOCUMENT, new AtomicInteger()));
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, Map.of());
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    public JsonNode json(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts and expects success; returns the body. */
    public JsonNode ok(String path, String body) {
        HttpResponse<String> response = post(path, body);
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json(response);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
