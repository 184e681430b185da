package org.agreementledger.ledger.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.ledger.LedgerServiceApplication;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.transfer.TreatyRulesOverHttpTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every POST operation the OpenAPI document describes, with bodies built from the document's own examples and then
 * mutated the way a careless or hostile client would: never a 5xx, every refusal problem+json, nothing appended by a
 * refused request. The attempts are drawn from a fixed seed, so a failure names an attempt that can be replayed.
 */
class EveryPostSurvivesHostileBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ConfigurableApplicationContext ledger;
    private static LedgerHttp unitedStates;
    private static JdbcTemplate jdbc;
    private static List<Operation> operations;

    /** One POST of the API, its path with ids filled in, and a valid body to start from. */
    record Operation(String path, JsonNode validBody) {
        @Override
        public String toString() {
            return "POST " + path;
        }
    }

    enum Mutation {
        AS_IS, REMOVE, NULL, HUGE_NUMBER, NEGATIVE, FRACTION, EMPTY_STRING, LONG_STRING, CONTROL_CHARACTERS, OBJECT,
        ARRAY, BOOLEAN, UNKNOWN_FIELD, DUPLICATE_KEY, TRUNCATED, NOT_JSON, EMPTY_BODY, DEEP_NESTING, HUGE_EXPONENT
    }

    record Attempt(Operation operation, Mutation mutation, int target) {
    }

    private static final long SEED = 20261201L;
    private static final int TRIES = 400;

    @BeforeAll
    static void startTheLedger() throws IOException {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        LocalIdentityProvider tokens = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("fuzz-keys"));
        ledger = new SpringApplicationBuilder(LedgerServiceApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + infrastructure.freshDatabase("ledger-fuzz"),
                "--spring.datasource.username=test", "--spring.datasource.password=test",
                "--spring.lifecycle.timeout-per-shutdown-phase=2s",
                "--ledger.kafka.bootstrap-servers=" + infrastructure.kafka().bootstrapServers(),
                "--ledger.kafka.topic=" + infrastructure.freshTopic("ledger-fuzz-events", 3),
                "--ledger.checkpoints.topic=" + infrastructure.freshTopic("ledger-fuzz-checkpoints", 1),
                "--ledger.checkpoints.key-directory=" + Files.createTempDirectory("fuzz-checkpoint-keys"),
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + tokens.publicKeyFile().toAbsolutePath());
        int port = ((WebServerApplicationContext) ledger).getWebServer().getPort();
        jdbc = ledger.getBean(JdbcTemplate.class);
        unitedStates = LedgerHttp.checked(port, tokens.mint("fuzz-us", "US", List.of("ledger.write"), Duration.ofHours(1)));
        LedgerHttp elSalvador = LedgerHttp.checked(port, tokens.mint("fuzz-sv", "SV", List.of("ledger.write"), Duration.ofHours(1)));
        String agreementId = elSalvador.ok("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER).get("agreementId").asText();
        unitedStates.ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
        String transferId = unitedStates.ok("/agreements/" + agreementId + "/transfers", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-16",
                 "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 5}]}""")
                .get("transferId").asText();
        operations = operationsOf(unitedStates.json(unitedStates.get("/v3/api-docs")), agreementId, transferId);
    }

    @AfterAll
    static void stopTheLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> hostileBodiesNeverGetA5xxAndRefusalsAppendNothing() {
        Random random = new Random(SEED);
        Mutation[] mutations = Mutation.values();
        return IntStream.range(0, TRIES).mapToObj(i -> new Attempt(operations.get(random.nextInt(operations.size())),
                        mutations[random.nextInt(mutations.length)], random.nextInt(1_000)))
                .map(attempt -> DynamicTest.dynamicTest(attempt.operation() + " " + attempt.mutation(), () -> survives(attempt)));
    }

    private static void survives(Attempt attempt) {
        String body = mutated(attempt);
        long before = events();
        HttpResponse<String> response = unitedStates.post(attempt.operation().path(), body);
        assertThat(response.statusCode()).as("%s with %s (seed %d):%n%s%n→ %s", attempt.operation(), attempt.mutation(),
                SEED, abbreviated(body), response.body()).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type")).as(response.body())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(events()).as("a refused request appends nothing").isEqualTo(before);
        }
    }

    @Test
    void theDocumentDescribesEveryCommandSoNoneEscapesTheFuzzing() {
        assertThat(operations).hasSizeGreaterThanOrEqualTo(13);
    }

    private static long events() {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry", Long.class);
    }

    /** The POST operations of the document, with a body from its examples (or its required properties). */
    private static List<Operation> operationsOf(JsonNode document, String agreementId, String transferId) {
        List<Operation> found = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> {
            JsonNode post = path.getValue().path("post");
            JsonNode schema = post.path("requestBody").path("content").path("application/json").path("schema");
            if (post.isMissingNode() || schema.isMissingNode()) {
                return;
            }
            String concrete = path.getKey().replace("{agreementId}", agreementId).replace("{transferId}", transferId);
            found.add(new Operation(concrete, exampleOf(resolve(document, schema), document)));
        });
        return found;
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
            return document.path("components").path("schemas").path(name);
        }
        return schema;
    }

    private static JsonNode exampleOf(JsonNode schema, JsonNode document) {
        JsonNode example = schema.get("example");
        if (example != null) {
            if (example.isTextual()) {
                try {
                    return JSON.readTree(example.asText());
                } catch (IOException e) {
                    return example;
                }
            }
            return example;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        schema.path("properties").fields().forEachRemaining(property -> {
            JsonNode propertySchema = resolve(document, property.getValue());
            body.set(property.getKey(), switch (propertySchema.path("type").asText("object")) {
                case "string" -> JsonNodeFactory.instance.textNode(propertySchema.path("format").asText().equals("date")
                        ? "2025-03-20" : propertySchema.has("enum") ? propertySchema.get("enum").get(0).asText() : "US");
                case "integer", "number" -> JsonNodeFactory.instance.numberNode(1);
                case "boolean" -> JsonNodeFactory.instance.booleanNode(true);
                case "array" -> JsonNodeFactory.instance.arrayNode();
                default -> exampleOf(propertySchema, document);
            });
        });
        return body;
    }

    private static String mutated(Attempt attempt) {
        JsonNode body = attempt.operation().validBody().deepCopy();
        List<Slot> slots = new ArrayList<>();
        collect(body, slots);
        Slot slot = slots.isEmpty() ? null : slots.get(attempt.target() % slots.size());
        String marker = "\"__mutation__\"";
        switch (attempt.mutation()) {
            case AS_IS -> {
                return body.toString();
            }
            case TRUNCATED -> {
                String text = body.toString();
                return text.substring(0, Math.max(1, text.length() * (attempt.target() % 100) / 100));
            }
            case NOT_JSON -> {
                return "<agreement><party>US</party></agreement>";
            }
            case EMPTY_BODY -> {
                return "";
            }
            case DEEP_NESTING -> {
                return "[".repeat(5_000) + "]".repeat(5_000);
            }
            case DUPLICATE_KEY -> {
                String text = body.toString();
                int colon = text.indexOf("\":");
                int comma = text.indexOf(',', colon);
                return comma < 0 ? text : text.substring(0, comma + 1) + text.substring(1, comma + 1) + text.substring(comma + 1);
            }
            case UNKNOWN_FIELD -> {
                if (body instanceof ObjectNode object) {
                    object.put("principal", "forged");
                }
                return body.toString();
            }
            default -> {
            }
        }
        if (slot == null) {
            return body.toString();
        }
        switch (attempt.mutation()) {
            case REMOVE -> slot.remove();
            case NULL -> slot.set(JsonNodeFactory.instance.nullNode());
            case NEGATIVE -> slot.set(JsonNodeFactory.instance.numberNode(-1));
            case FRACTION -> slot.set(JsonNodeFactory.instance.numberNode(3.7));
            case EMPTY_STRING -> slot.set(JsonNodeFactory.instance.textNode(""));
            case LONG_STRING -> slot.set(JsonNodeFactory.instance.textNode("x".repeat(5_000)));
            case CONTROL_CHARACTERS -> slot.set(JsonNodeFactory.instance.textNode("\u0000\u202e%00..%2F\uFFFF"));
            case OBJECT -> slot.set(JsonNodeFactory.instance.objectNode().put("amount", "1"));
            case ARRAY -> slot.set(JsonNodeFactory.instance.arrayNode().add(1));
            case BOOLEAN -> slot.set(JsonNodeFactory.instance.booleanNode(false));
            case HUGE_NUMBER, HUGE_EXPONENT -> slot.set(JsonNodeFactory.instance.textNode("__mutation__"));
            default -> throw new IllegalStateException(attempt.mutation().name());
        }
        String text = body.toString();
        return switch (attempt.mutation()) {
            case HUGE_NUMBER -> text.replace(marker, "123456789012345678901234567890123456789");
            case HUGE_EXPONENT -> text.replace(marker, "1e400");
            default -> text;
        };
    }

    /** A place in the body a mutation can change: a member of an object or an element of an array. */
    private record Slot(JsonNode parent, String field, int index) {
        void remove() {
            if (parent instanceof ObjectNode object) {
                object.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        void set(JsonNode value) {
            if (parent instanceof ObjectNode object) {
                object.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                slots.add(new Slot(object, member.getKey(), -1));
                collect(member.getValue(), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots);
            }
        }
    }

    private static String abbreviated(String body) {
        return body.length() > 600 ? body.substring(0, 600) + "…" : body;
    }
}
