package org.agreementledger.security.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.agreementledger.security.Problems;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both services' OpenAPI documents say the same way, so the rule lives once: the bearer scheme and its
 * requirement, the {@code Problem} schema (RFC 9457 with the ledger's members), and the refusals every operation can
 * answer by its shape — 401 and 403 unless it is open, 503 (a database down), 400 on every operation (a malformed
 * or repeated header; a malformed parameter or body), 404 on an agreement's path, 413 and 415 when it takes a body —
 * each as {@code application/problem+json}. The rules go by path and method, so an endpoint added later is covered without naming it; each service adds its
 * own through {@link Rules} (its successes, its headers, refusals only its rules give).
 */
public final class ApiContracts {

    public static final String SECURITY_SCHEME = "bearer";
    public static final String PROBLEM = "Problem";
    public static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
    public static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    public static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;

    /** What each status means when the service does not say more. */
    private static final Map<String, String> COMMON = Map.of(
            "400", "Invalid request: a malformed parameter, header or body, or a header given twice (invalid-request, malformed-json, malformed-request)",
            "401", "No token, or a token that is expired, malformed or not signed by the trusted issuer (unauthenticated)",
            "403", "The token may not do this: a missing role, or not a party to the agreement (forbidden, not-a-party)",
            "404", "Unknown agreement (unknown-agreement)",
            "406", "Accept names none of the media types the operation answers",
            "409", "Not allowed in the current state",
            "413", "The request body is over the limit, 1 MiB by default (request-too-large)",
            "415", "The body is not application/json",
            "503", "A dependency is unavailable (database-unavailable, with Retry-After)");

    private ApiContracts() {
    }

    /** What one service adds to the common rules. */
    public interface Rules {

        /** Operations anyone may call, as "METHOD /path": no token, so no 401, 403 or 503. */
        default boolean open(String path, PathItem.HttpMethod method) {
            return false;
        }

        /** The refusals this service's rules add to an operation, beyond those its shape gives. */
        default Set<String> refusals(String path, PathItem.HttpMethod method, Operation operation) {
            return Set.of();
        }

        /** What the service says about a status, over {@link #COMMON}'s words. */
        default Map<String, String> descriptions() {
            return Map.of();
        }

        /** Completes the operation with what only this service knows: its success, its headers. */
        default void complete(String path, PathItem.HttpMethod method, Operation operation) {
        }
    }

    /** Completes the document springdoc built from the controllers. */
    public static void complete(OpenAPI api, Rules rules) {
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.setComponents(components);
        components.addSecuritySchemes(SECURITY_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("A token from the configured identity provider; locally: the tokens the local stack prints"));
        components.addSchemas(PROBLEM, problemSchema());
        if (api.getSecurity() == null || api.getSecurity().isEmpty()) {
            api.addSecurityItem(new SecurityRequirement().addList(SECURITY_SCHEME));
        }
        if (api.getPaths() == null) {
            return;
        }
        // the servlet error page (ProblemErrorController) answers every method there, but it is no operation to call
        api.getPaths().remove("/error");
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            rules.complete(path, method, operation);
            refusals(path, method, operation, rules);
        }));
    }

    private static void refusals(String path, PathItem.HttpMethod method, Operation operation, Rules rules) {
        boolean open = rules.open(path, method);
        boolean hasBody = operation.getRequestBody() != null;

        operation.setSecurity(open ? new ArrayList<>() : new ArrayList<>(List.of(new SecurityRequirement().addList(SECURITY_SCHEME))));
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);

        Set<String> statuses = new LinkedHashSet<>();
        // any request may carry a malformed or repeated header
        statuses.add("400");
        if (!open) {
            statuses.addAll(List.of("401", "403"));
        }
        if (path.contains("{agreementId}")) {
            statuses.add("404");
        }
        if (hasBody) {
            statuses.addAll(List.of("413", "415"));
        }
        if (!open) {
            statuses.add("503");
        }
        if (method == PathItem.HttpMethod.GET) {
            // a controller's class-level refusals are for its commands; a read cannot answer them
            responses.keySet().removeAll(Set.of("409", "412", "413", "415", "422"));
        }
        statuses.addAll(rules.refusals(path, method, operation));
        Map<String, String> descriptions = new LinkedHashMap<>(COMMON);
        descriptions.putAll(rules.descriptions());
        statuses.stream().sorted().forEach(status ->
                responses.computeIfAbsent(status, s -> new ApiResponse().description(descriptions.get(s))));
        // every refusal an operation documents is a problem: also those the controllers declared without a schema
        responses.forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                response.setContent(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM_REF))));
                if (response.getDescription() == null || response.getDescription().isBlank()) {
                    response.setDescription(descriptions.getOrDefault(status, "Refused"));
                }
                if (status.equals("503")) {
                    response.addHeaderObject("Retry-After", new Header()
                            .description("Seconds to wait before retrying (database-unavailable)")
                            .schema(new IntegerSchema().example(Problems.RETRY_AFTER_SECONDS)));
                }
            }
        });
    }

    /** Adds a header parameter, or completes the one the controller declared under the same name. */
    public static void header(Operation operation, Parameter parameter) {
        List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>() : new ArrayList<>(operation.getParameters());
        Parameter existing = parameters.stream()
                .filter(p -> "header".equals(p.getIn()) && parameter.getName().equalsIgnoreCase(p.getName()))
                .findFirst().orElse(null);
        if (existing == null) {
            parameters.add(parameter);
        } else {
            existing.setName(parameter.getName());
            existing.setRequired(false);
            existing.setSchema(parameter.getSchema());
            if (existing.getDescription() == null || existing.getDescription().isBlank()) {
                existing.setDescription(parameter.getDescription());
            }
        }
        operation.setParameters(parameters);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().format("uri")
                .description("What went wrong, e.g. https://agreement-ledger.org/problems/not-a-party; about:blank for "
                        + "Spring MVC's own refusals"));
        properties.put("title", new StringSchema().description("The type in words"));
        properties.put("status", new IntegerSchema().description("The HTTP status"));
        properties.put("detail", new StringSchema().description("This occurrence, in words"));
        properties.put("instance", new StringSchema().format("uri-reference").description("The request's path"));
        properties.put("field", new StringSchema().description("The part of the request at fault, e.g. headcounts[0].nationality or Idempotency-Key"));
        properties.put("agreementId", new StringSchema().description("The agreement the request was about"));
        properties.put("correlationId", new StringSchema().description("The request's X-Correlation-Id, to report"));
        properties.put("errors", new ArraySchema().description("Every invalid field of a 400 invalid-request")
                .items(new ObjectSchema()
                        .addProperty("field", new StringSchema())
                        .addProperty("message", new StringSchema())));
        properties.put("maxBytes", new IntegerSchema().format("int64").description("The body limit of a 413"));
        Schema problem = new ObjectSchema()
                .description("A refusal, as RFC 9457 problem details (application/problem+json)")
                .required(List.of("type", "title", "status"));
        problem.setProperties(properties);
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", "https://agreement-ledger.org/problems/not-a-party");
        example.put("title", "Not a party");
        example.put("status", 403);
        example.put("detail", "MX is not a party to agreement 9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34.");
        example.put("instance", "/agreements/9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34");
        example.put("agreementId", "9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34");
        problem.setExample(example);
        return problem;
    }
}
