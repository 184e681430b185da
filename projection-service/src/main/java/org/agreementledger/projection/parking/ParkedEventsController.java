package org.agreementledger.projection.parking;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.agreementledger.projection.consumer.ParkedEvent;
import org.agreementledger.projection.consumer.ParkedEvents;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.projection.rebuild.ProjectionRebuild;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

@RestController
@RequestMapping(path = "/admin/parked-events", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operations", description = "Needs ledger.admin")
class ParkedEventsController {

    private final ParkedEvents parked;
    private final ParkedEventRetry retry;
    private final ProjectionRebuild rebuild;

    ParkedEventsController(ParkedEvents parked, ParkedEventRetry retry, ProjectionRebuild rebuild) {
        this.parked = parked;
        this.retry = retry;
        this.rebuild = rebuild;
    }

    @GetMapping
    @Operation(summary = "Events the projection could not apply, and those held behind them, in the order they were "
            + "consumed, a page at a time (a faulty release can park nearly every event)")
    @ApiResponse(responseCode = "200", description = "The parked events, in the order they were consumed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = ParkedEvent.class))))
    ResponseEntity<?> list(@Parameter(description = "Only this agreement's") @RequestParam(required = false) String agreementId,
                           @RequestParam(defaultValue = "0") @Min(0) int page,
                           @RequestParam(defaultValue = "500") @Min(1) @Max(500) int size) {
        if (agreementId != null && !AgreementId.isValid(agreementId)) {
            return invalid(agreementId);
        }
        return ResponseEntity.ok(parked.page(Optional.ofNullable(agreementId), page, size));
    }

    @PostMapping("/retry")
    @Operation(summary = "Apply the parked events again, in order per agreement (after a fix is deployed)",
            description = "Those that now apply are removed and their agreements released; those that still fail stay parked, "
                    + "with the events behind them.")
    @ApiResponse(responseCode = "200", description = "What the retry did", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ParkedEventRetry.Outcome.class)))
    ResponseEntity<?> retry(@Parameter(description = "Only this agreement's") @RequestParam(required = false) String agreementId) {
        if (agreementId != null && !AgreementId.isValid(agreementId)) {
            return invalid(agreementId);
        }
        if (rebuild.runningAnywhere()) {
            return Problems.response(HttpStatus.CONFLICT, "rebuild-running",
                    "A rebuild is running; retry the parked events when it is done.", null);
        }
        if (agreementId != null && parked.of(agreementId).isEmpty()) {
            return Problems.response(HttpStatus.NOT_FOUND, "nothing-parked",
                    "No event of agreement " + agreementId + " is parked.", "agreementId");
        }
        try {
            return ResponseEntity.ok(retry.retry(Optional.ofNullable(agreementId)));
        } catch (ParkedEventRetry.TopicUnavailable e) {
            return Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable", "The retry stopped: "
                    + e.getMessage() + ". Rounds before it were applied and are no longer parked; retry again.", null);
        }
    }

    private static ResponseEntity<?> invalid(String agreementId) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                "agreementId must be a UUID, got '" + agreementId + "'", "agreementId");
    }
}
