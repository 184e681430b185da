package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.command.LedgerRuleViolation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.ledger.web.AgreementCommands;
import org.agreementledger.ledger.web.CommandResponse;
import org.agreementledger.security.AgreementReaders;
import org.agreementledger.security.Caller;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.agreementledger.ledger.web.AgreementCommands.expectedVersion;

/** The agreement resource: an offer creates it, each lifecycle step is a POST, its record is every event. */
@RestController
@RequestMapping(path = "/agreements", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Agreements", description = "Offer agreements, move them through their lifecycle, read their record")
@ApiResponse(responseCode = "400", description = "Malformed body, missing field, unknown country or currency code",
        content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "404", description = "Unknown agreement", content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "409", description = "Not allowed in the agreement's current state (e.g. accepting a withdrawn offer)",
        content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "412", description = "If-Match names a version the agreement has moved on from",
        content = @Content(mediaType = "application/problem+json"))
@ApiResponse(responseCode = "422", description = "A rule is broken (e.g. a country that is not a party)",
        content = @Content(mediaType = "application/problem+json"))
class AgreementController {

    private static final String IF_MATCH_DOC = "The agreement version (ETag) this command is based on; refused with 412 if it moved on";

    private final AgreementCommands commands;
    private final EventStore eventStore;
    private final ObjectMapper mapper;

    AgreementController(AgreementCommands commands, EventStore eventStore, ObjectMapper mapper) {
        this.commands = commands;
        this.eventStore = eventStore;
        this.mapper = mapper;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Offer an agreement", description = "Records AgreementOffered. The new agreement's id is in the body and the Location header.")
    @ApiResponse(responseCode = "201", description = "Offer recorded")
    ResponseEntity<CommandResponse> offer(@Valid @RequestBody AgreementRequests.Offer request) {
        AgreementId agreementId = AgreementId.generate();
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{agreementId}").buildAndExpand(agreementId.value()).toUri();
        return commands.create(agreementId, request.toCommand(agreementId), location, null, null);
    }

    @PostMapping(path = "/{agreementId}/amendments", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Counter-offer: replace the terms before the agreement is in force",
            description = "Records OfferAmended; every other party must then accept the new terms.")
    ResponseEntity<CommandResponse> amend(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Amend request,
                                          @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/acceptances", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A party accepts the current terms", description = "Records AgreementAccepted; when the last party accepts, also AgreementEnteredIntoForce (and lump-sum FeeAssessed).")
    ResponseEntity<CommandResponse> accept(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Accept request,
                                           @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/rejections", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A party rejects the offer", description = "Records AgreementRejected.")
    ResponseEntity<CommandResponse> reject(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Reject request,
                                           @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/withdrawal", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The offering party withdraws its offer before it is in force", description = "Records OfferWithdrawn.")
    ResponseEntity<CommandResponse> withdraw(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Withdraw request,
                                             @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/suspensions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A party suspends an agreement in force", description = "Records AgreementSuspended; no transfer is accepted until it is resumed.")
    ResponseEntity<CommandResponse> suspend(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Suspend request,
                                            @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/resumptions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A party resumes a suspended agreement", description = "Records AgreementResumed.")
    ResponseEntity<CommandResponse> resume(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Resume request,
                                           @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    @PostMapping(path = "/{agreementId}/termination", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A party terminates the agreement", description = "Records AgreementTerminated.")
    ResponseEntity<CommandResponse> terminate(@PathVariable String agreementId, @Valid @RequestBody AgreementRequests.Terminate request,
                                              @Parameter(description = IF_MATCH_DOC) @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        return commands.send(id, request.toCommand(id, expectedVersion(ifMatch)));
    }

    /**
     * Written as it is read, an event at a time, never held whole: a history of 100,000 events as trees is gigabytes,
     * beyond the ledger's heap, and one reader must not stop the ledger for everyone. Read from the event table itself,
     * never from a snapshot (which stands in for the events before it when the aggregate is loaded), and up to the
     * version its ETag names, though events may be appended while it is written.
     */
    @GetMapping("/{agreementId}")
    @Operation(operationId = "agreementRecord", summary = "The ledger's record of an agreement: every event appended for it, in order")
    @ApiResponse(responseCode = "200", description = "The agreement's events; the ETag is its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = AgreementRecord.class)))
    void record(@PathVariable String agreementId, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        AgreementId id = AgreementId.of(agreementId);
        long version = eventStore.lastSequenceNumberFor(id.value()).orElseThrow(() -> unknown(id));
        DomainEventStream events = eventStore.readEvents(id.value(), 0);
        if (!events.hasNext()) {
            throw unknown(id);
        }
        AgreementRecord.RecordedEvent offer = recorded(events.next());
        onlyPartiesAuditorsAndDashboardsRead(offer);
        if (new ServletWebRequest(request, response).checkNotModified(Long.toString(version))) {
            return;
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        ObjectWriter writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        // a failure half way must leave the document unfinished, never closed into one that looks whole
        try (JsonGenerator json = mapper.getFactory().createGenerator(response.getOutputStream())
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            json.writeStartObject();
            json.writeStringField("agreementId", id.value());
            json.writeNumberField("version", version);
            json.writeArrayFieldStart("events");
            writer.writeValue(json, offer);
            while (events.hasNext() && events.peek().getSequenceNumber() <= version) {
                writer.writeValue(json, recorded(events.next()));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static AggregateNotFoundException unknown(AgreementId id) {
        return new AggregateNotFoundException(id.value(), "no events for " + id);
    }

    /** Who may read an agreement is one rule for both services ({@link AgreementReaders}). */
    private static void onlyPartiesAuditorsAndDashboardsRead(AgreementRecord.RecordedEvent offer) {
        AgreementReaders.refusal(Caller.current(), offer.payload().path("agreementId").asText(), () -> {
            List<String> parties = new ArrayList<>();
            offer.payload().path("parties").forEach(party -> parties.add(party.asText()));
            return Optional.of(parties);
        }).ifPresent(refusal -> {
            throw LedgerRuleViolation.forbidden(refusal.kind() == AgreementReaders.Refusal.Kind.NO_COUNTRY
                    ? "no-country" : "not-a-party", null, refusal.detail());
        });
    }

    private static AgreementRecord.RecordedEvent recorded(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        String type = payload instanceof AgreementEvent ? EventTypes.nameOf(payload.getClass()) : message.getPayloadType().getSimpleName();
        return new AgreementRecord.RecordedEvent(message.getSequenceNumber(), message.getIdentifier(), type,
                message.getTimestamp(), message.getMetaData(), LedgerJson.mapper().valueToTree(payload));
    }
}
