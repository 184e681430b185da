package org.agreementledger.ledger.web;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.ledger.agreement.LedgerRuleViolation;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.net.URI;

/** Sends a command on an agreement and answers with its new version, the one thing every controller repeats. */
@Component
public class AgreementCommands {

    private final CommandGateway commands;
    private final EventStore eventStore;

    AgreementCommands(CommandGateway commands, EventStore eventStore) {
        this.commands = commands;
        this.eventStore = eventStore;
    }

    /** Sends the command and answers 200 with the agreement's new version as body and ETag. */
    public ResponseEntity<CommandResponse> send(AgreementId agreementId, Object command) {
        commands.sendAndWait(command);
        long version = versionOf(agreementId);
        return ResponseEntity.ok().eTag(Long.toString(version)).body(CommandResponse.of(agreementId.value(), version));
    }

    /** Sends a command that creates something and answers 201 with its location. */
    public ResponseEntity<CommandResponse> create(AgreementId agreementId, Object command, URI location,
                                                  String transferId, String paymentId) {
        commands.sendAndWait(command);
        long version = versionOf(agreementId);
        return ResponseEntity.created(location).eTag(Long.toString(version))
                .body(new CommandResponse(agreementId.value(), version, transferId, paymentId));
    }

    public long versionOf(AgreementId agreementId) {
        return eventStore.lastSequenceNumberFor(agreementId.value()).orElse(-1L);
    }

    /** A malformed id cannot name a recorded agreement: 404, like any unknown one. */
    public static AgreementId parseId(String agreementId) {
        try {
            return AgreementId.of(agreementId);
        } catch (IllegalArgumentException e) {
            throw new AggregateNotFoundException(agreementId, e.getMessage());
        }
    }

    /** The version an {@code If-Match} header names; null when absent or {@code *}. */
    public static Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw LedgerRuleViolation.malformed("invalid-if-match", "If-Match",
                    "If-Match must carry an agreement version as its ETag, e.g. \"3\"; got " + ifMatch + ".");
        }
    }
}
