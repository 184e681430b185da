package org.agreementledger.ledger.web;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.ledger.audit.TransparencyLog;
import org.agreementledger.ledger.axon.LastAppend;
import org.agreementledger.ledger.command.AgreementCommand;
import org.agreementledger.ledger.command.LedgerRuleViolation;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends a command on an agreement and answers with the version that command produced (the ETag names the
 * response's own event, never a later one). A command without If-Match carries no expectation about the version:
 * when another ledger instance appended to the agreement first, it is decided again on the new state.
 */
@Component
public class AgreementCommands {

    /** Attempts for a command without If-Match that lost a race with another instance; then 409. */
    static final int ATTEMPTS = 5;

    private final CommandGateway commands;
    private final EventStore eventStore;
    private final TransparencyLog log;

    AgreementCommands(CommandGateway commands, EventStore eventStore, TransparencyLog log) {
        this.commands = commands;
        this.eventStore = eventStore;
        this.log = log;
    }

    /** Sends the command and answers 200 with the agreement's new version as body and ETag. */
    public ResponseEntity<CommandResponse> send(AgreementId agreementId, Object command) {
        Answer answer = new Answer(200, null, agreementId.value(), null, null);
        long version = decide(command, answer);
        return ResponseEntity.ok().eTag(Long.toString(version)).body(withReceipts(answer.body(version)));
    }

    /** Sends a command that creates something and answers 201 with its location. */
    public ResponseEntity<CommandResponse> create(AgreementId agreementId, Object command, URI location,
                                                  String transferId, String paymentId) {
        Answer answer = new Answer(201, location.toString(), agreementId.value(), transferId, paymentId);
        long version = decide(command, answer);
        return ResponseEntity.created(location).eTag(Long.toString(version)).body(withReceipts(answer.body(version)));
    }

    /** The answer with the receipts of the events the command appended (committed, so in the log). */
    CommandResponse withReceipts(CommandResponse response) {
        return response.withEvents(log.appendedWith(response.agreementId(), response.version()));
    }

    private long decide(Object command, Answer answer) {
        for (int attempt = 1; ; attempt++) {
            try {
                LastAppend.expect();
                return versionAnswered(commands.sendAndWait(
                        GenericCommandMessage.asCommandMessage(command).andMetaData(answer.toMetaData())));
            } catch (ConcurrencyException e) {
                if (command instanceof AgreementCommand named && named.expectedVersion() != null) {
                    // another instance appended the version the caller named: exactly what If-Match guards against
                    throw LedgerRuleViolation.staleVersion(named.expectedVersion(), versionOf(named.agreementId()));
                }
                if (attempt == ATTEMPTS) {
                    throw LedgerRuleViolation.conflict("concurrent-modification", "Agreement " + answer.agreementId()
                            + " is being changed by other requests right now; retry with the same Idempotency-Key.");
                }
                pause(attempt);
            }
        }
    }

    /** What a handler answers: the version it produced; an offer answers the new agreement's id and is version 0. */
    static long versionAnswered(Object result) {
        return result instanceof Long version ? version : 0L;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a command", e);
        }
    }

    public long versionOf(AgreementId agreementId) {
        return eventStore.lastSequenceNumberFor(agreementId.value()).orElse(-1L);
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
