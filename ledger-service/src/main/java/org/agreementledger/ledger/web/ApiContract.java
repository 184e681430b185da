package org.agreementledger.ledger.web;

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
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's OpenAPI contract, completed in one place for every operation: the bearer scheme and requirement,
 * {@code Idempotency-Key} on every command and {@code If-Match} on every command on an existing agreement, the
 * {@code Problem} schema (RFC 9457) on every refusal an operation can answer, and each command's success with
 * {@link CommandResponse}, its {@code ETag} and, when it creates something, its {@code Location}. The controllers
 * keep their own summaries and descriptions; this adds what they leave out, so a generated client can send and read
 * everything the API does.
 */
@Configuration
public class ApiContract {

    public static final String SECURITY_SCHEME = "bearer";
    public static final String PROBLEM = "Problem";
    public static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    static final String COMMAND_RESPONSE = "CommandResponse";

    /** Operations anyone may call: no token, so no 401 or 403. */
    static final Set<String> OPEN = Set.of("GET /.well-known/ledger-keys");

    /** Commands that create something answer 201 with its Location; every other command 200. */
    private static final Set<String> CREATING = Set.of("/agreements", "/agreements/{agreementId}/transfers",
            "/agreements/{agreementId}/fee-payments");

    private static final Map<String, String> PROBLEMS = new LinkedHashMap<>();

    static {
        PROBLEMS.put("400", "Invalid request: a malformed or unknown field, a missing value, an unknown country or currency, "
                + "a malformed Idempotency-Key or If-Match (invalid-request, invalid-idempotency-key, invalid-if-match)");
        PROBLEMS.put("401", "No token, or a token that is expired, malformed or not signed by the trusted issuer");
        PROBLEMS.put("403", "The token may not do this: a missing role, acting for another country, or not a party (forbidden, "
                + "acting-for-another-country, not-a-party)");
        PROBLEMS.put("404", "Unknown agreement or transfer");
        PROBLEMS.put("409", "Not allowed in the current state, or the request lost a race (e.g. accepting a withdrawn offer, "
                + "concurrent-modification, idempotency-key-in-progress)");
        PROBLEMS.put("406", "Accept names none of the media types the operation answers");
        PROBLEMS.put("412", "If-Match names a version the agreement has moved on from (version-mismatch)");
        PROBLEMS.put("413", "The request body is over the limit, 1 MiB by default (request-too-large)");
        PROBLEMS.put("415", "The body is not application/json");
        PROBLEMS.put("422", "A rule is broken (e.g. own-citizen-removal, not-a-party, capacity-exceeded, idempotency-key-reused)");
        PROBLEMS.put("503", "A dependency is unavailable (database-unavailable, with Retry-After; checkpoint-not-published)");
    }

    @Bean
    OpenApiCustomizer ledgerApiContract() {
        return ApiContract::complete;
    }

    /** Completes the document springdoc built from the controllers. */
    static void complete(OpenAPI api) {
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.setComponents(components);
        components.addSecuritySchemes(SECURITY_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("A token from the configured identity provider; locally: the tokens the local stack prints"));
        components.addSchemas(PROBLEM, problemSchema());
        if (components.getSchemas().get(COMMAND_RESPONSE) != null) {
            // always in the answer (the others only when the command created a transfer or a payment)
            components.getSchemas().get(COMMAND_RESPONSE).setRequired(new ArrayList<>(List.of("agreementId", "version")));
        }
        if (api.getSecurity() == null || api.getSecurity().isEmpty()) {
            api.addSecurityItem(new SecurityRequirement().addList(SECURITY_SCHEME));
        }
        money(components);
        if (api.getPaths() == null) {
            return;
        }
        // the servlet error page (ProblemErrorController) answers every method there, but it is no operation to call
        api.getPaths().remove("/error");
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                complete(path, method, operation)));
    }

    private static void complete(String path, PathItem.HttpMethod method, Operation operation) {
        boolean open = OPEN.contains(method + " " + path);
        boolean command = method == PathItem.HttpMethod.POST && (path.equals("/agreements") || path.startsWith("/agreements/"));
        boolean onExistingAgreement = command && path.startsWith("/agreements/{agreementId}/");
        boolean hasBody = operation.getRequestBody() != null;

        operation.setSecurity(open ? new ArrayList<>() : new ArrayList<>(List.of(new SecurityRequirement().addList(SECURITY_SCHEME))));
        if (command) {
            header(operation, idempotencyKey());
        }
        if (onExistingAgreement) {
            header(operation, ifMatch());
        }

        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        if (command) {
            success(path, responses);
        }

        List<String> statuses = new ArrayList<>();
        if (!open) {
            statuses.addAll(List.of("401", "403"));
        }
        if (command) {
            statuses.addAll(List.of("400", "409", "422"));
        }
        if (path.contains("{agreementId}")) {
            statuses.add("404");
        }
        if (onExistingAgreement) {
            statuses.add("412");
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
        if (open) {
            statuses.add("406");
        }
        statuses.forEach(status -> responses.computeIfAbsent(status, s -> new ApiResponse().description(PROBLEMS.get(s))));
        // every refusal an operation documents is a problem: also those the controllers declared without a schema
        responses.forEach((status, response) -> {
            if ((status.startsWith("4") || status.startsWith("5")) && !isEmptyNotFound(path, status)) {
                response.setContent(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
                if (response.getDescription() == null || response.getDescription().isBlank()) {
                    response.setDescription(PROBLEMS.getOrDefault(status, "Refused"));
                }
            }
        });
    }

    /** Money's amount is a decimal string in JSON (never a floating-point number), not the number springdoc infers. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void money(Components components) {
        Schema money = components.getSchemas() == null ? null : components.getSchemas().get("Money");
        if (money == null || money.getProperties() == null) {
            return;
        }
        money.getProperties().put("amount", new StringSchema().pattern("^-?[0-9]+(\\.[0-9]+)?$").maxLength(64)
                .description("A decimal string with at most the currency's minor-unit digits").example("20000.00"));
        money.getProperties().put("currency", new StringSchema().pattern("^[A-Z]{3}$")
                .description("ISO 4217 code").example("USD"));
        money.setRequired(new ArrayList<>(List.of("amount", "currency")));
    }

    /** {@code GET /checkpoints/latest} answers a bare 404 (no checkpoint yet), documented as such by springdoc. */
    private static boolean isEmptyNotFound(String path, String status) {
        return path.equals("/checkpoints/latest") && status.equals("404");
    }

    /** The command's one success: 201 with Location for those that create something, 200 otherwise; ETag on both. */
    private static void success(String path, ApiResponses responses) {
        boolean creating = CREATING.contains(path);
        String status = creating ? "201" : "200";
        responses.keySet().removeIf(code -> code.startsWith("2") && !code.equals(status));
        ApiResponse success = responses.computeIfAbsent(status,
                s -> new ApiResponse().description(creating ? "Created" : "Recorded"));
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("agreementId", "9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34");
        example.put("version", creating && path.equals("/agreements") ? 0 : 3);
        if (path.endsWith("/transfers")) {
            example.put("transferId", "4c1d9e2a-7b3f-4e8a-9d6c-2f0e1b7a5c38");
        }
        if (path.endsWith("/fee-payments")) {
            example.put("paymentId", "6e2a8c4d-1f7b-4a9e-8c3d-5b0f2e7a9d16");
        }
        success.setContent(new Content().addMediaType(JSON, new MediaType()
                .schema(new Schema<>().$ref("#/components/schemas/" + COMMAND_RESPONSE)).example(example)));
        success.addHeaderObject("ETag", new Header().description("The agreement's version after this command, e.g. \"3\"; "
                + "send it as If-Match with the next command").schema(new StringSchema()));
        if (creating) {
            success.addHeaderObject("Location", new Header().description("The new " + (path.equals("/agreements")
                    ? "agreement" : path.endsWith("/transfers") ? "transfer" : "payment")
                    + ", an absolute URL").schema(new StringSchema().format("uri")));
        }
    }

    private static void header(Operation operation, Parameter parameter) {
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

    static Parameter idempotencyKey() {
        return new Parameter().in("header").name(IdempotencyFilter.HEADER).required(false)
                .description("Makes the command safe to retry: the same key with the same request answers the first "
                        + "response again (Idempotent-Replayed: true) and appends nothing; with another request it is "
                        + "refused (422 idempotency-key-reused). 1 to 200 visible ASCII characters; a key belongs to "
                        + "the caller that used it.")
                .schema(new StringSchema().minLength(1).maxLength(200).pattern("^[!-~]{1,200}$")
                        .example("3f6c2a1e-offer-cecot"));
    }

    static Parameter ifMatch() {
        return new Parameter().in("header").name("If-Match").required(false)
                .description("The agreement version (ETag) this command is based on; refused with 412 if it moved on")
                .schema(new StringSchema().example("\"3\""));
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
        problem.setExample(Map.of(
                "type", "https://agreement-ledger.org/problems/own-citizen-removal",
                "title", "Own citizen removal",
                "status", 422,
                "detail", "US cannot transfer its own nationals out of the country.",
                "instance", "/agreements/9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34/transfers",
                "field", "headcounts[0].nationality",
                "agreementId", "9b2f7c1e-4d3a-4f6b-8e21-7a5c0d9e1f34",
                "correlationId", "5b0f3c9e-2a41-4c1e-9f3d-7e2a6b8c0d14"));
        return problem;
    }
}
