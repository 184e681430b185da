package org.agreementledger.ledger.agreement;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Translates HTTP into commands; the rules are the aggregate's. */
@RestController
@RequestMapping(path = "/agreements", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Agreements", description = "Offer agreements and follow their recorded history")
class AgreementController {

    private final CommandGateway commands;
    private final EventStore eventStore;

    AgreementController(CommandGateway commands, EventStore eventStore) {
        this.commands = commands;
        this.eventStore = eventStore;
    }

    record CommandAccepted(String agreementId, long version) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Offer an agreement", description = "Records AgreementOffered. The new agreement's id is in the body and the Location header.")
    @ApiResponse(responseCode = "201", description = "Offer recorded")
    @ApiResponse(responseCode = "400", description = "Malformed body, missing field or unknown country code",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = org.springframework.http.ProblemDetail.class)))
    @ApiResponse(responseCode = "422", description = "A rule is broken, e.g. a party named twice",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<CommandAccepted> offer(@Valid @RequestBody OfferAgreementRequest request) {
        AgreementId agreementId = AgreementId.random();
        commands.sendAndWait(request.toCommand(agreementId));
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{agreementId}").buildAndExpand(agreementId.value()).toUri();
        return ResponseEntity.created(location).eTag(Long.toString(0))
                .body(new CommandAccepted(agreementId.value(), 0));
    }

    @PostMapping(path = "/{agreementId}/amendments", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Amend an offer (counter-offer) before it is accepted")
    @ApiResponse(responseCode = "200", description = "Amendment recorded")
    @ApiResponse(responseCode = "404", description = "Unknown agreement", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "422", description = "The amending country is not a party", content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<CommandAccepted> amend(@PathVariable String agreementId, @Valid @RequestBody AmendOfferRequest request) {
        AgreementId id = parseId(agreementId);
        commands.sendAndWait(request.toCommand(id));
        long version = eventStore.lastSequenceNumberFor(id.value()).orElse(0L);
        return ResponseEntity.ok().eTag(Long.toString(version)).body(new CommandAccepted(id.value(), version));
    }

    @GetMapping("/{agreementId}")
    @Operation(summary = "The ledger's record of an agreement: every event appended for it, in order")
    @ApiResponse(responseCode = "200", description = "The agreement's events; the ETag is its version")
    @ApiResponse(responseCode = "404", description = "Unknown agreement", content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<AgreementRecord> record(@PathVariable String agreementId) {
        AgreementId id = parseId(agreementId);
        List<AgreementRecord.RecordedEvent> events = new ArrayList<>();
        eventStore.readEvents(id.value()).asStream().forEach(message -> events.add(recorded(message)));
        if (events.isEmpty()) {
            throw new AggregateNotFoundException(id.value(), "no events for " + id);
        }
        long version = events.get(events.size() - 1).sequence();
        return ResponseEntity.ok().eTag(Long.toString(version))
                .body(new AgreementRecord(id.value(), version, events));
    }

    private static AgreementRecord.RecordedEvent recorded(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        String type = payload instanceof AgreementEvent ? EventTypes.nameOf(payload.getClass()) : message.getPayloadType().getSimpleName();
        return new AgreementRecord.RecordedEvent(message.getSequenceNumber(), message.getIdentifier(), type,
                message.getTimestamp(), message.getMetaData(), LedgerJson.mapper().valueToTree(payload));
    }

    /** A malformed id cannot name a recorded agreement. */
    private static AgreementId parseId(String agreementId) {
        try {
            return AgreementId.of(agreementId);
        } catch (IllegalArgumentException e) {
            throw new AggregateNotFoundException(agreementId, e.getMessage());
        }
    }
}
