package org.agreementledger.projection.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client of the projection needs to know is in {@code /v3/api-docs}: every query's answer, the token, every
 * refusal as a problem, a live subscription's stream and its Last-Event-ID. The rules go by path and method, so a
 * query added later is held to them too. The document is the one committed in
 * {@code docs/openapi/projection-service.json}, and is saved to {@code target/api-docs/} for linters.
 */
class TheApiDocumentDescribesEveryOperationTest extends ProjectionIntegrationTest {

    @LocalServerPort
    int port;

    private ApiDocument live;

    @BeforeEach
    void fetchTheDocument() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v3/api-docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        live = ApiDocument.of(response.body());
        Path saved = Path.of("target", "api-docs", "projection-service.json");
        Files.createDirectories(saved.getParent());
        Files.writeString(saved, live.tree().toPrettyString());
    }

    @Test
    void everyOperationStatesItsAnswerItsTokenAndItsRefusalsAsProblems() {
        assertThat(live.operations()).containsKeys("GET /agreements", "GET /agreements/{agreementId}",
                "GET /countries/{country}/commitments", "GET /live/events", "POST /admin/rebuild", "GET /audit/views");
        assertThat(live.incompleteOperations(Set.of())).isEmpty();
        live.operations().forEach((name, operation) -> assertThat(operation.at("/responses/200/content").elements().next()
                .has("example")).as(name + " shows an example answer (api-examples.json)").isTrue());
        assertThat(live.tree().at("/components/securitySchemes/bearer/bearerFormat").asText()).isEqualTo("JWT");
    }

    @Test
    void everyLiveSubscriptionIsAStreamThatResumesAfterTheLastEventId() {
        Map<String, JsonNode> live = this.live.operations();
        // GET /live/recent answers JSON (the events to show before subscribing); every other /live/ operation is a stream
        List<String> subscriptions = live.keySet().stream().filter(name -> name.startsWith("GET /live/"))
                .filter(name -> !name.equals("GET /live/recent")).toList();
        assertThat(subscriptions).hasSizeGreaterThanOrEqualTo(4);
        subscriptions.forEach(name -> {
            JsonNode operation = live.get(name);
            assertThat(operation.at("/responses/200/content/text~1event-stream/example").asText())
                    .as(name + " shows its stream").contains("id: ");
            assertThat(operation.path("parameters").findValuesAsText("name")).as(name).contains("Last-Event-ID");
        });
        assertThat(this.live.tree().at("/components/schemas").has("SseEmitter")).isFalse();
        assertThat(live.get("GET /live/recent").at("/responses/200/content/application~1json/schema/items/$ref").asText())
                .endsWith("/LiveEvent");
    }

    @Test
    void theRefusalsOfEachOperationAreTheOnesItCanGive() {
        Map<String, JsonNode> operations = live.operations();
        assertThat(operations.get("GET /agreements/{agreementId}").at("/responses/200/headers").has("ETag")).isTrue();
        assertThat(operations.get("GET /agreements/{agreementId}").path("responses").has("404")).isTrue();
        assertThat(operations.get("GET /live/countries/{country}/commitments").path("responses").has("400")).isTrue();
        assertThat(operations.get("POST /admin/rebuild").path("responses").has("409")).isTrue();
        List<String> retryRefusals = new java.util.ArrayList<>();
        operations.get("POST /admin/parked-events/retry").path("responses").fieldNames().forEachRemaining(retryRefusals::add);
        assertThat(retryRefusals).contains("400", "401", "403", "404", "409", "503");
        assertThat(live.tree().at("/components/schemas/Problem/properties").has("heldReason")).isTrue();
    }

    @Test
    void theDocumentServedIsTheCommittedOne() {
        live.assertCommittedAs(Path.of("..", "docs", "openapi", "projection-service.json"), "http://localhost:8081");
    }
}
