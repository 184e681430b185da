package org.agreementledger.ledger.transfer;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.TransferId;
import org.agreementledger.ledger.web.AgreementCommands;
import org.agreementledger.ledger.web.CommandResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;

import static org.agreementledger.ledger.web.AgreementCommands.expectedVersion;

@RestController
@RequestMapping(path = "/agreements/{agreementId}/transfers", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Transfers", description = "Movements of people under an agreement, checked against every commitment and the sender's law")
@ApiResponse(responseCode = "400", description = "Malformed body", content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "404", description = "Unknown agreement", content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "409", description = "The agreement is not in force, or the transfer is not in a state that allows it",
        content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "412", description = "If-Match names an outdated version", content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "422", description = "own-citizen-removal, nationality-not-accepted, category-not-accepted, capacity-exceeded, …",
        content = @Content(mediaType = "application/problem+json"))
class TransferController {

    private final AgreementCommands commands;

    TransferController(AgreementCommands commands) {
        this.commands = commands;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "recordTransfer", summary = "Record a transfer", description = "Records TransferRecorded if the agreement is in force, the receiving "
            + "party committed to take every nationality and category in it, its capacity allows, and the sender is not removing its own citizens.")
    @ApiResponse(responseCode = "201", description = "Transfer recorded")
    ResponseEntity<CommandResponse> record(@PathVariable String agreementId, @Valid @RequestBody TransferRequests.Record request,
                                           @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        TransferId transferId = request.transferId() != null ? request.transferId() : TransferId.generate();
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{transferId}").buildAndExpand(transferId.value()).toUri();
        return commands.create(id, request.toCommand(id, transferId, expectedVersion(ifMatch)), location,
                transferId.value(), null);
    }

    @PostMapping(path = "/{transferId}/completion", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "completeTransfer", summary = "The transfer took place", description = "Records TransferCompleted and the FeeAssessed it owes under the fee schedule.")
    ResponseEntity<CommandResponse> complete(@PathVariable String agreementId, @PathVariable String transferId,
                                             @Valid @RequestBody TransferRequests.Complete request,
                                             @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, TransferId.of(transferId), expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{transferId}/cancellation", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "cancelTransfer", summary = "The transfer will not take place", description = "Records TransferCancelled.")
    ResponseEntity<CommandResponse> cancel(@PathVariable String agreementId, @PathVariable String transferId,
                                           @Valid @RequestBody TransferRequests.Cancel request,
                                           @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, TransferId.of(transferId), expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{transferId}/corrections", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "correctTransfer", summary = "Correct a transfer's counts", description = "Records TransferCorrected, which references the event it corrects; "
            + "nothing recorded is changed. A completed transfer's per-person fees are adjusted by a further FeeAssessed.")
    ResponseEntity<CommandResponse> correct(@PathVariable String agreementId, @PathVariable String transferId,
                                            @Valid @RequestBody TransferRequests.Correct request,
                                            @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, TransferId.of(transferId), expectedVersion(ifMatch)));
    }
}
