package org.agreementledger.projection.api;

import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real answers of the projection, views and refusals, are what its committed API document promises. */
class ResponsesMatchTheApiDocumentTest extends ProjectionIntegrationTest {

    private static final ApiDocument DOCUMENT = ApiDocument.committed("projection-service");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void viewsAndRefusalsAnswerAsDocumented() throws Exception {
        String dashboard = dashboardToken();
        List<Answer> answers = List.of(
                new Answer("/agreements", dashboard, 200),
                new Answer("/agreements?status=IN_FORCE&page=0&size=5", dashboard, 200),
                new Answer("/agreements/00000000-0000-4000-8000-000000000000", dashboard, 404),
                new Answer("/agreements/00000000-0000-4000-8000-000000000000/fees", dashboard, 200),
                new Answer("/transfers?country=SV", dashboard, 200),
                new Answer("/transfers?country=sv", dashboard, 400),
                new Answer("/countries/SV/commitments", dashboard, 200),
                new Answer("/countries/S1/commitments", dashboard, 400),
                new Answer("/countries/SV/commitments?asOf=yesterday", dashboard, 400),
                new Answer("/countries/SV/commitments", countryToken("US"), 403),
                new Answer("/agreements", null, 401),
                new Answer("/admin/parked-events", dashboard, 403),
                new Answer("/admin/parked-events", TOKENS.mint("operator", null, List.of("ledger.admin"),
                        java.time.Duration.ofMinutes(5)), 200));
        for (Answer answer : answers) {
            HttpResponse<String> response = get(answer.path(), answer.token());
            assertThat(response.statusCode()).as(answer.path() + " " + response.body()).isEqualTo(answer.status());
            DOCUMENT.assertMatches("GET", answer.path(), response);
        }
    }

    private record Answer(String path, String token, int status) {
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
