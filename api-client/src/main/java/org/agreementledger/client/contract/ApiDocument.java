package org.agreementledger.client.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A service's OpenAPI document, as a client relies on it: whether an answer is what the document promises (status,
 * headers, body; Atlassian's swagger-request-validator), whether every operation states its success and its refusals,
 * and whether the service still serves the document committed in {@code docs/openapi}.
 */
public final class ApiDocument {

    /** Set to {@code true} to rewrite the committed documents from the live ones instead of failing on a difference. */
    public static final String REWRITE = "api-docs.write";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final JsonNode tree;
    private final OpenApiInteractionValidator validator;

    private ApiDocument(String json) {
        this.tree = read(json);
        // springdoc labels the document 3.1.0, but the validator reads only 3.0 schemas (under 3.1 it sees no types
        // and lets anything pass). The documents use nothing 3.1 adds, so they are validated as what they are: 3.0.
        for (String only31 : List.of("\"type\":[", "\"const\"", "\"prefixItems\"", "\"$schema\"", "\"jsonSchemaDialect\"",
                "\"webhooks\"")) {
            if (tree.toString().contains(only31)) {
                throw new IllegalArgumentException("The document uses " + only31 + ", which OpenAPI 3.0 does not have");
            }
        }
        ObjectNode as30 = tree.deepCopy();
        as30.put("openapi", "3.0.3");
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(as30.toString()).build();
    }

    /** A document as served or committed. */
    public static ApiDocument of(String json) {
        return new ApiDocument(json);
    }

    /** The committed document of a service ({@code ledger-service}, {@code projection-service}), from the classpath. */
    public static ApiDocument committed(String service) {
        try (InputStream in = ApiDocument.class.getResourceAsStream("/openapi/" + service + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("No committed document openapi/" + service + ".json on the classpath");
            }
            return new ApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode tree() {
        return tree;
    }

    /** What the answer does not keep of the document: empty when it is what the document promises. */
    public List<String> violations(String method, String path, int status, Map<String, List<String>> headers, String body) {
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(status);
        if (body != null && !body.isEmpty()) {
            answer.withBody(body);
        }
        headers.forEach((name, values) -> answer.withHeader(name, List.copyOf(values)));
        String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        ValidationReport report = validator.validateResponse(pathOnly, Request.Method.valueOf(method.toUpperCase()), answer.build());
        return report.getMessages().stream().map(m -> m.getKey() + ": " + m.getMessage()).toList();
    }

    /** Fails unless the answer is what the document promises for this method and path. */
    public void assertMatches(String method, String path, HttpResponse<String> response) {
        List<String> violations = violations(method, path, response.statusCode(), response.headers().map(), response.body());
        if (!violations.isEmpty()) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + " " + response.body()
                    + ", which the API document does not describe:\n" + String.join("\n", violations));
        }
    }

    /** Fails unless the answer is what the document promises; the request's method and path are the response's. */
    public void assertMatches(HttpResponse<String> response) {
        URI uri = response.request().uri();
        assertMatches(response.request().method(), uri.getRawPath(), response);
    }

    /**
     * What a client would miss: an operation without a 2xx with a schema, without 401 and 403 (unless {@code open}),
     * or with a refusal that is not an {@code application/problem+json} Problem. Empty when every operation is complete.
     */
    public List<String> incompleteOperations(Set<String> open) {
        List<String> missing = new ArrayList<>();
        operations().forEach((name, operation) -> {
            JsonNode responses = operation.path("responses");
            boolean success = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> response = it.next();
                String code = response.getKey();
                if (code.startsWith("2")) {
                    JsonNode content = response.getValue().path("content");
                    success |= content.size() > 0 && content.elements().next().has("schema");
                } else if ((code.startsWith("4") || code.startsWith("5")) && !isProblem(response.getValue())) {
                    missing.add(name + ": " + code + " is not an application/problem+json Problem");
                }
            }
            if (!success) {
                missing.add(name + ": no 2xx with a schema");
            }
            if (!open.contains(name)) {
                for (String code : List.of("401", "403")) {
                    if (!responses.has(code)) {
                        missing.add(name + ": no " + code);
                    }
                }
                if (operation.path("security").findValues("bearer").isEmpty()) {
                    missing.add(name + ": no bearer security requirement");
                }
            }
        });
        return missing;
    }

    private static boolean isProblem(JsonNode response) {
        JsonNode content = response.path("content");
        return content.size() == 1
                && content.at("/application~1problem+json/schema/$ref").asText().equals("#/components/schemas/Problem");
    }

    /** Every operation, as "METHOD /path". */
    public Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new TreeMap<>();
        tree.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            if (METHODS.contains(method.getKey())) {
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue());
            }
        }));
        return operations;
    }

    /**
     * Fails when this (live) document differs from the committed file, saying how to refresh it; with
     * {@code -Dapi-docs.write=true} rewrites the file instead. Compared without {@code servers}: the live document
     * names the address it was fetched from, the committed one {@code server}, where the service answers locally.
     */
    public void assertCommittedAs(Path committed, String server) {
        JsonNode live = canonical(withoutServers(tree));
        ObjectNode withServer = (ObjectNode) canonical(withoutServers(tree));
        withServer.putArray("servers").addObject().put("url", server).put("description", "The local stack");
        String pretty = readingOrder(canonical(withServer)).toPrettyString() + "\n";
        try {
            if (Boolean.getBoolean(REWRITE)) {
                Files.createDirectories(committed.getParent());
                Files.writeString(committed, pretty);
                return;
            }
            JsonNode saved = Files.exists(committed) ? canonical(withoutServers(read(Files.readString(committed)))) : null;
            if (!live.equals(saved)) {
                Path fresh = Path.of("target", "api-docs", committed.getFileName().toString());
                Files.createDirectories(fresh.getParent());
                Files.writeString(fresh, pretty);
                throw new AssertionError("The service's OpenAPI document differs from the committed " + committed
                        + " (the live one is in " + fresh.toAbsolutePath() + "). If the change is meant, refresh the"
                        + " committed document: run this test again with -D" + REWRITE + "=true, and commit it"
                        + " (the generated client follows it).");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without servers, every object's keys in order: one text per document, whatever order the service wrote. */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue()));
            ObjectNode sorted = JSON.createObjectNode();
            fields.forEach((key, value) -> sorted.set(key, canonical(value)));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        return node;
    }

    /** The top-level members in the order a reader expects (openapi, info, servers, … paths, components). */
    private static JsonNode readingOrder(JsonNode document) {
        ObjectNode ordered = JSON.createObjectNode();
        for (String member : List.of("openapi", "info", "servers", "security", "tags", "paths", "components")) {
            if (document.has(member)) {
                ordered.set(member, document.get(member));
            }
        }
        document.fields().forEachRemaining(field -> {
            if (!ordered.has(field.getKey())) {
                ordered.set(field.getKey(), field.getValue());
            }
        });
        return ordered;
    }

    private static JsonNode withoutServers(JsonNode document) {
        ObjectNode copy = document.deepCopy();
        copy.remove("servers");
        return copy;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
