package org.agreementledger.projection.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.agreementledger.security.web.ApiContracts;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The projection's part of its OpenAPI contract; what both services share (the bearer scheme, the {@code Problem}
 * schema, the refusals an operation's shape gives) is service-security's {@link ApiContracts}. The projection adds,
 * by path and method so that a new query is covered without naming it: every live subscription's stream and its
 * {@code Last-Event-ID}, 400 for a malformed path parameter other than an agreement's id, and the refusals of the
 * operations under {@code /admin} (409 while a rebuild runs, 404 when nothing of an agreement is parked), 422 for a
 * country's view that would list more commitments than one view holds, and each
 * answer's example. The controllers state each success's body themselves.
 */
@Configuration
public class ApiContract {

    static final String EVENT_STREAM = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE;

    /** Each query's example answer, by "METHOD /path" (api-examples.json, from the answers shown in docs/api.md). */
    private static final Map<String, JsonNode> EXAMPLES = examples();

    private static final Map<String, String> PROBLEMS = Map.of(
            "400", "Invalid request: a malformed country code, query parameter, asOf or position (invalid-request)",
            "404", "Unknown agreement, or not yet projected (unknown-agreement; held and heldReason when its events "
                    + "are parked); for a retry: nothing of the agreement is parked (nothing-parked)",
            "409", "A rebuild is running (rebuild-running)",
            "422", "The country's view would list more commitments than one view holds (view-too-large, with "
                    + "commitments and maxCommitments); read its agreements a page at a time",
            "503", "A dependency is unavailable (database-unavailable with Retry-After; kafka-unavailable); for a live "
                    + "subscription, also: the instance holds its most (too-many-subscribers, with Retry-After)");

    @Bean
    OpenApiCustomizer projectionApiContract() {
        return ApiContract::complete;
    }

    static void complete(OpenAPI api) {
        ApiContracts.complete(api, new Projection());
        @SuppressWarnings("rawtypes")
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        // a live subscription's body is the stream, not the emitter object springdoc sees
        schemas.remove("SseEmitter");
        Schema<?> problem = schemas.get(ApiContracts.PROBLEM);
        problem.addProperty("held", new BooleanSchema()
                .description("unknown-agreement: the agreement's offer is parked, so it is held"));
        problem.addProperty("heldReason", new StringSchema().description("Why the agreement is held"));
        problem.addProperty("commitments", new IntegerSchema().format("int64")
                .description("view-too-large: the commitments the view would list"));
        problem.addProperty("maxCommitments", new IntegerSchema()
                .description("view-too-large: the most one view lists"));
    }

    private static final class Projection implements ApiContracts.Rules {

        @Override
        public Set<String> refusals(String path, PathItem.HttpMethod method, Operation operation) {
            Set<String> statuses = new LinkedHashSet<>();
            boolean validatedPathParameter = operation.getParameters() != null && operation.getParameters().stream()
                    .anyMatch(p -> "path".equals(p.getIn()) && !"agreementId".equals(p.getName()));
            if (validatedPathParameter) {
                statuses.add("400");
            }
            if (path.endsWith("/countries/{country}/commitments")) {
                statuses.add("422");
            }
            if (method == PathItem.HttpMethod.POST && path.startsWith("/admin/")) {
                statuses.add("409");
                if (path.startsWith("/admin/parked-events/")) {
                    statuses.add("404");
                }
            }
            return statuses;
        }

        @Override
        public Map<String, String> descriptions() {
            return PROBLEMS;
        }

        @Override
        public void complete(String path, PathItem.HttpMethod method, Operation operation) {
            ApiResponse success = operation.getResponses() == null ? null : operation.getResponses().get("200");
            if (success != null && success.getContent() != null && success.getContent().containsKey(EVENT_STREAM)) {
                liveSubscription(operation, success);
            }
            MediaType json = success == null || success.getContent() == null ? null : success.getContent().get(ApiContracts.JSON);
            JsonNode example = EXAMPLES.get(method + " " + path);
            if (json != null && example != null) {
                json.setExample(example);
            }
        }
    }

    private static Map<String, JsonNode> examples() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/api-examples.json")) {
            Map<String, JsonNode> examples = new java.util.HashMap<>();
            new ObjectMapper().readTree(in).fields().forEachRemaining(field -> examples.put(field.getKey(), field.getValue()));
            return examples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A live subscription: Server-Sent Events, resumed after the Last-Event-ID the client saw last. */
    private static void liveSubscription(Operation operation, ApiResponse success) {
        ApiContracts.header(operation, new Parameter().in("header").name("Last-Event-ID").required(false)
                .description("Resume after this feed id (an event's SSE id): the events missed meanwhile are sent first. "
                        + "Browsers' EventSource sends it by itself when it reconnects.")
                .schema(new StringSchema().pattern("^[0-9]{1,18}$").example("120")));
        success.setDescription("A stream of Server-Sent Events: a comment when subscribed, then one event per applied "
                + "event (SSE id: its feed id, event: its type, data: the event as JSON), or for a country's commitments "
                + "a snapshot and then the new view after every event that concerns it; resync after a rebuild");
        success.setContent(new Content().addMediaType(EVENT_STREAM, new MediaType()
                .schema(new StringSchema().description("text/event-stream"))
                .example(": subscribed\n\nid: 120\nevent: TransferRecorded\ndata: {\"feedId\":120,"
                        + "\"agreementId\":\"9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34\",\"sequence\":3,"
                        + "\"type\":\"TransferRecorded\",\"occurredAt\":\"2025-03-16T09:00:00Z\",\"principal\":\"us-dhs\","
                        + "\"country\":\"US\",\"parties\":[\"SV\",\"US\"],\"payload\":{}}\n\n")));
    }
}
