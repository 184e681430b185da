package org.agreementledger.ledger.web;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.Money;
import org.agreementledger.security.web.ApiContracts;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's part of its OpenAPI contract; what both services share (the bearer scheme, the {@code Problem} schema,
 * the refusals an operation's shape gives) is service-security's {@link ApiContracts}. The ledger adds
 * {@code Idempotency-Key} on every command and {@code If-Match} on every command on an existing agreement, each
 * command's success with {@link CommandResponse}, its {@code ETag} and, when it creates something, its
 * {@code Location}, and the refusals of its rules (409, 412, 422). The controllers keep their own summaries and
 * descriptions; this adds what they leave out, so a generated client can send and read everything the API does.
 */
@Configuration
public class ApiContract {

    static final String COMMAND_RESPONSE = "CommandResponse";

    /** Operations anyone may call: no token, so no 401 or 403. */
    static final Set<String> OPEN = Set.of("GET /.well-known/ledger-keys");

    /** Commands that create something answer 201 with its Location; every other command 200. */
    private static final Set<String> CREATING = Set.of("/agreements", "/agreements/{agreementId}/transfers",
            "/agreements/{agreementId}/fee-payments");

    private static final Map<String, String> PROBLEMS = Map.of(
            "400", "Invalid request: a malformed or unknown field, a missing value, an unknown country or currency, "
                    + "a malformed Idempotency-Key or If-Match (invalid-request, invalid-idempotency-key, invalid-if-match)",
            "403", "The token may not do this: a missing role, acting for another country, or not a party (forbidden, "
                    + "acting-for-another-country, not-a-party)",
            "404", "Unknown agreement or transfer",
            "409", "Not allowed in the current state, or the request lost a race (e.g. accepting a withdrawn offer, "
                    + "concurrent-modification, idempotency-key-in-progress)",
            "412", "If-Match names a version the agreement has moved on from (version-mismatch)",
            "422", "A rule is broken (e.g. own-citizen-removal, not-a-party, capacity-exceeded, idempotency-key-reused)",
            "503", "A dependency is unavailable (database-unavailable, with Retry-After; checkpoint-not-published)");

    @Bean
    OpenApiCustomizer ledgerApiContract() {
        return ApiContract::complete;
    }

    /** Completes the document springdoc built from the controllers. */
    static void complete(OpenAPI api) {
        ApiContracts.complete(api, new Ledger());
        Components components = api.getComponents();
        if (components.getSchemas().get(COMMAND_RESPONSE) != null) {
            // always in the answer (the others only when the command created a transfer or a payment)
            components.getSchemas().get(COMMAND_RESPONSE).setRequired(new ArrayList<>(List.of("agreementId", "version")));
        }
        money(components);
        commitmentTypes(components);
    }

    /**
     * A commitment's {@code type} is the contract's own name for it ({@code accept-people}, {@code pay}, …), not its
     * schema's name, which is all a discriminator without a mapping tells a client.
     */
    private static void commitmentTypes(Components components) {
        Schema<?> commitment = components.getSchemas() == null ? null : components.getSchemas().get("Commitment");
        if (commitment == null || commitment.getDiscriminator() == null) {
            return;
        }
        for (JsonSubTypes.Type type : Commitment.class.getAnnotation(JsonSubTypes.class).value()) {
            commitment.getDiscriminator().mapping(type.name(), "#/components/schemas/" + type.value().getSimpleName());
        }
    }

    /** The ledger's commands: {@code POST /agreements} and everything under an agreement. */
    private static boolean command(String path, PathItem.HttpMethod method) {
        return method == PathItem.HttpMethod.POST && (path.equals("/agreements") || path.startsWith("/agreements/"));
    }

    private static boolean onExistingAgreement(String path, PathItem.HttpMethod method) {
        return command(path, method) && path.startsWith("/agreements/{agreementId}/");
    }

    private static final class Ledger implements ApiContracts.Rules {

        @Override
        public boolean open(String path, PathItem.HttpMethod method) {
            return OPEN.contains(method + " " + path);
        }

        @Override
        public Set<String> refusals(String path, PathItem.HttpMethod method, Operation operation) {
            Set<String> statuses = new LinkedHashSet<>();
            if (command(path, method)) {
                statuses.addAll(List.of("400", "409", "422"));
            }
            if (onExistingAgreement(path, method)) {
                statuses.add("412");
            }
            if (open(path, method)) {
                statuses.add("406");
            }
            return statuses;
        }

        @Override
        public Map<String, String> descriptions() {
            return PROBLEMS;
        }

        @Override
        public void complete(String path, PathItem.HttpMethod method, Operation operation) {
            if (command(path, method)) {
                ApiContracts.header(operation, idempotencyKey());
                if (operation.getResponses() == null) {
                    operation.setResponses(new ApiResponses());
                }
                success(path, operation.getResponses());
            }
            if (onExistingAgreement(path, method)) {
                ApiContracts.header(operation, ifMatch());
            }
        }
    }

    /** Money's amount is a decimal string in JSON (never a floating-point number), not the number springdoc infers. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void money(Components components) {
        Schema money = components.getSchemas() == null ? null : components.getSchemas().get("Money");
        if (money == null || money.getProperties() == null) {
            return;
        }
        money.getProperties().put("amount", new StringSchema().pattern(Money.AMOUNT_PATTERN).maxLength(64)
                .description("A decimal string with at most the currency's minor-unit digits").example("20000.00"));
        money.getProperties().put("currency", new StringSchema().pattern("^[A-Z]{3}$")
                .description("ISO 4217 code").example("USD"));
        money.setRequired(new ArrayList<>(List.of("amount", "currency")));
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
        success.setContent(new Content().addMediaType(ApiContracts.JSON, new MediaType()
                .schema(new Schema<>().$ref("#/components/schemas/" + COMMAND_RESPONSE)).example(example)));
        success.addHeaderObject("ETag", new Header().description("The agreement's version after this command, e.g. \"3\"; "
                + "send it as If-Match with the next command").schema(new StringSchema()));
        if (creating) {
            success.addHeaderObject("Location", new Header().description("The new " + (path.equals("/agreements")
                    ? "agreement" : path.endsWith("/transfers") ? "transfer" : "payment")
                    + ", an absolute URL").schema(new StringSchema().format("uri")));
        }
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
}
