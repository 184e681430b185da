package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.agreementledger.security.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.asof.PointInLog;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@RequestMapping(path = "/agreements", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Agreements", description = "Agreements as projected from ledger.agreement-events")
class AgreementQueryController {

    private final AgreementQueries queries;
    private final ReadAccess access;
    private final AsOfViews asOfViews;
    private final ObjectMapper mapper;

    AgreementQueryController(AgreementQueries queries, ReadAccess access, AsOfViews asOfViews, ObjectMapper mapper) {
        this.queries = queries;
        this.access = access;
        this.asOfViews = asOfViews;
        this.mapper = mapper;
    }

    @GetMapping("/{agreementId}")
    @Operation(summary = "One agreement: its terms, parties and status; the ETag is the last applied sequence number")
    @ApiResponse(responseCode = "200", description = "The agreement; ETag: its version (now only, not as of a point)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = AgreementView.class)),
            headers = @Header(name = "ETag", description = "The last applied sequence number of the agreement, e.g. \"3\"",
                    schema = @Schema(type = "string")))
    ResponseEntity<?> agreement(@PathVariable String agreementId, PointInLog pointInLog) {
        access.check(agreementId);
        // only the current view has a version to name in an ETag
        return asOfViews.answer(pointInLog,
                () -> queries.findAgreement(agreementId).<ResponseEntity<?>>map(ResponseEntity::ok)
                        .orElseGet(() -> notFound(agreementId)),
                () -> queries.findAgreement(agreementId)
                        .<ResponseEntity<?>>map(view -> ResponseEntity.ok().eTag(Long.toString(view.version())).body(view))
                        .orElseGet(() -> notFound(agreementId)));
    }

    @GetMapping("/{agreementId}/history")
    @Operation(summary = "Every event of the agreement, in order, with who, when and why")
    @ApiResponse(responseCode = "200", description = "The agreement's events, oldest first", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = HistoryEntry.class))))
    ResponseEntity<StreamingResponseBody> history(@PathVariable String agreementId) {
        access.check(agreementId);
        if (!queries.hasHistory(agreementId)) {
            // Spring streams a body only from a method declared to return one: the problem is streamed too
            ResponseEntity<ProblemDetail> notFound = notFound(agreementId);
            return ResponseEntity.status(notFound.getStatusCode()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(out -> mapper.writeValue(out, notFound.getBody()));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(out -> queries.writeHistory(agreementId, mapper, out));
    }

    @GetMapping
    @Operation(summary = "Agreements, filtered by party and status, a page at a time; a country sees only its own")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            array = @ArraySchema(schema = @Schema(implementation = AgreementView.class))))
    ResponseEntity<StreamingResponseBody> agreements(
            @Parameter(description = "ISO 3166-1 alpha-2 code of a party", example = "US")
            @RequestParam(required = false) @Pattern(regexp = "[A-Z]{2}") String party,
            @Parameter(description = "One of " + AgreementView.STATUSES, example = "IN_FORCE")
            @RequestParam(required = false) @Pattern(regexp = AgreementView.STATUSES) String status,
            @Parameter(description = "Only agreements held because one of their events is parked")
            @RequestParam(defaultValue = "false") boolean held,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        String visibleTo = access.restrictedTo().orElse(null);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out ->
                queries.writeAgreements(visibleTo, party, status, held, page, size, mapper, out));
    }

    /** Unknown, or held before its offer could be applied: then the problem says why, as the view would. */
    private ResponseEntity<ProblemDetail> notFound(String agreementId) {
        ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.NOT_FOUND, "unknown-agreement",
                "No agreement " + agreementId + " has reached the projection (yet).", null);
        response.getBody().setProperty("agreementId", agreementId);
        queries.hold(agreementId).ifPresent(reason -> {
            response.getBody().setProperty("held", true);
            response.getBody().setProperty("heldReason", reason);
        });
        return response;
    }
}
