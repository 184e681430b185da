package org.agreementledger.ledger.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client generated from {@code /v3/api-docs} needs to know is in the document: the token, the headers that
 * make a command safe to retry and to race, every success with its body and headers, every refusal as a problem.
 * The document is the one committed in {@code docs/openapi/ledger-service.json}, which the ledger's Java client is
 * generated from (module api-client); it is also saved to {@code target/api-docs/ledger-service.json}, for linters.
 */
class TheApiDocumentDescribesEveryOperationTest extends LedgerIntegrationTest {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    @LocalServerPort
    int port;

    private JsonNode document;

    private ApiDocument live;

    @BeforeEach
    void fetchTheDocument() throws IOException {
        LedgerHttp anonymous = new LedgerHttp(port, null);
        var response = anonymous.get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        live = ApiDocument.of(response.body());
        document = live.tree();
        Path saved = Path.of("target", "api-docs", "ledger-service.json");
        Files.createDirectories(saved.getParent());
        Files.writeString(saved, document.toPrettyString());
    }

    @Test
    void theDocumentServedIsTheCommittedOneTheClientIsGeneratedFrom() {
        live.assertCommittedAs(Path.of("..", "docs", "openapi", "ledger-service.json"), "http://localhost:8080");
    }

    @Test
    void everyOperationStatesItsSuccessItsTokenAndItsRefusalsAsProblems() {
        assertThat(live.incompleteOperations(Set.of("GET /.well-known/ledger-keys"))).isEmpty();
    }

    @Test
    void theBearerSchemeIsDeclaredAndRequiredByEveryOperationButTheKeys() {
        JsonNode scheme = document.at("/components/securitySchemes/bearer");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asText()).isEqualTo("JWT");

        operations().forEach((name, operation) -> {
            JsonNode security = operation.path("security");
            assertThat(security.isArray()).as(name + " declares its security").isTrue();
            if (name.equals("GET /.well-known/ledger-keys")) {
                assertThat(security).as(name + " needs no token").isEmpty();
                assertThat(operation.path("responses").has("401")).as(name).isFalse();
            } else {
                assertThat(security.findValues("bearer")).as(name + " requires the bearer token").hasSize(1);
                assertThat(problemResponse(name, operation, "401")).isTrue();
                assertThat(problemResponse(name, operation, "403")).isTrue();
            }
        });
    }

    @Test
    void everyCommandDocumentsItsHeadersItsSuccessAndEveryRefusal() {
        List<String> commands = new ArrayList<>();
        operations().forEach((name, operation) -> {
            if (!name.startsWith("POST /agreements")) {
                return;
            }
            commands.add(name);
            String path = name.substring("POST ".length());
            assertThat(header(operation, "Idempotency-Key")).as(name + " takes an Idempotency-Key").isNotNull();
            JsonNode key = header(operation, "Idempotency-Key").path("schema");
            assertThat(key.path("minLength").asInt()).isEqualTo(1);
            assertThat(key.path("maxLength").asInt()).isEqualTo(200);
            assertThat("visible-ASCII~!").matches(key.path("pattern").asText());
            assertThat("has a space").doesNotMatch(key.path("pattern").asText());

            boolean onExistingAgreement = path.startsWith("/agreements/{agreementId}/");
            assertThat(header(operation, "If-Match") != null).as(name + " takes If-Match").isEqualTo(onExistingAgreement);

            boolean creating = List.of("/agreements", "/agreements/{agreementId}/transfers",
                    "/agreements/{agreementId}/fee-payments").contains(path);
            String status = creating ? "201" : "200";
            JsonNode success = operation.path("responses").path(status);
            assertThat(success.isMissingNode()).as(name + " documents its " + status).isFalse();
            assertThat(success.at("/content/application~1json/schema/$ref").asText())
                    .as(name + " answers a CommandResponse").isEqualTo("#/components/schemas/CommandResponse");
            assertThat(success.at("/content/application~1json/example").isObject()).as(name + " has an example").isTrue();
            assertThat(success.path("headers").has("ETag")).as(name + " answers an ETag").isTrue();
            assertThat(success.path("headers").has("Location")).as(name + " answers a Location").isEqualTo(creating);
            operation.path("responses").fieldNames().forEachRemaining(code ->
                    assertThat(!code.startsWith("2") || code.equals(status)).as(name + " has one success, not " + code).isTrue());

            List<String> refusals = new ArrayList<>(List.of("400", "401", "403", "409", "413", "415", "422", "503"));
            if (onExistingAgreement) {
                refusals.addAll(List.of("404", "412"));
            }
            refusals.forEach(code -> assertThat(problemResponse(name, operation, code)).isTrue());
        });
        assertThat(commands).hasSize(13);
    }

    @Test
    void theProblemSchemaIsRfc9457WithTheLedgersOwnMembers() {
        JsonNode properties = document.at("/components/schemas/Problem/properties");
        assertThat(properties.isObject()).isTrue();
        for (String member : List.of("type", "title", "status", "detail", "instance", "field", "agreementId",
                "correlationId", "errors")) {
            assertThat(properties.has(member)).as("Problem has " + member).isTrue();
        }
        assertThat(properties.at("/status/type").asText()).isEqualTo("integer");
        assertThat(properties.at("/errors/type").asText()).isEqualTo("array");
        assertThat(document.path("paths").has("/error")).as("the servlet error page is no operation").isFalse();
        assertThat(document.at("/components/schemas/Money/properties/amount/type").asText())
                .as("money's amount is a decimal string").isEqualTo("string");
        JsonNode commandResponse = document.at("/components/schemas/CommandResponse/properties");
        assertThat(commandResponse.has("agreementId")).isTrue();
        assertThat(commandResponse.has("version")).isTrue();
    }

    @Test
    void everyRefusalAnyOperationDocumentsIsAProblem() {
        operations().forEach((name, operation) -> operation.path("responses").fields().forEachRemaining(response -> {
            String code = response.getKey();
            if (code.startsWith("4") || code.startsWith("5")) {
                assertThat(problemResponse(name, operation, code)).isTrue();
            }
        }));
    }

    private boolean problemResponse(String name, JsonNode operation, String code) {
        JsonNode response = operation.path("responses").path(code);
        assertThat(response.isMissingNode()).as(name + " documents " + code).isFalse();
        assertThat(response.at("/content/application~1problem+json/schema/$ref").asText())
                .as(name + " answers " + code + " as a Problem").isEqualTo(PROBLEM_REF);
        assertThat(response.path("content").size()).as(name + " " + code + " is only problem+json").isEqualTo(1);
        return true;
    }

    private static JsonNode header(JsonNode operation, String name) {
        for (JsonNode parameter : operation.path("parameters")) {
            if (parameter.path("in").asText().equals("header") && parameter.path("name").asText().equals(name)) {
                return parameter;
            }
        }
        return null;
    }

    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new java.util.TreeMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (List.of("get", "post", "put", "patch", "delete").contains(method.getKey())) {
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
        assertThat(operations).containsKeys("POST /agreements", "GET /agreements/{agreementId}",
                "GET /.well-known/ledger-keys", "POST /admin/checkpoints");
        return operations;
    }
}
