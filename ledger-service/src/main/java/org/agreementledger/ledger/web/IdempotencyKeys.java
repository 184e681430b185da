package org.agreementledger.ledger.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.ledger.command.AgreementCommand;
import org.agreementledger.ledger.axon.IdempotencyClaim;
import org.agreementledger.ledger.command.LedgerRuleViolation;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Claims a command's Idempotency-Key, with its answer, in the transaction that appends the command's events (the
 * group commit's, or the command's own): the key and its answer are durable if and only if the events are. A retry
 * after any crash therefore finds either nothing (the command was not recorded: it runs again) or the original answer.
 * A concurrent request with the same key is refused at that commit, and the filter answers it with the winner's answer.
 */
@Component
class IdempotencyKeys {

    static final String KEY = "idempotencyKey";
    static final String REQUEST_HASH = "requestHash";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    IdempotencyKeys(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Registered here rather than as an interceptor bean, which Axon's auto-configuration would register a second time. */
    @Autowired
    void registerWith(CommandBus commandBus) {
        MessageHandlerInterceptor<CommandMessage<?>> claim = this::claimKey;
        commandBus.registerHandlerInterceptor(claim);
    }

    private Object claimKey(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        CommandMessage<?> command = unitOfWork.getMessage();
        Object key = command.getMetaData().get(KEY);
        if (key == null) {
            return chain.proceed();
        }
        Object result = chain.proceed();
        Answer answer = Answer.fromMetaData(command.getMetaData());
        long version = AgreementCommands.versionAnswered(result);
        IdempotencyClaim claim = new IdempotencyClaim(key.toString(), (String) command.getMetaData().get(REQUEST_HASH),
                agreementIdOf(command.getPayload()), answer == null ? null : answer.status(), answer == null ? null : answer.location(),
                answer == null ? null : Answer.etag(version), answer == null ? null : bodyOf(answer, version),
                () -> LedgerRuleViolation.conflict(IdempotencyFilter.IN_PROGRESS,
                        "Another request with this Idempotency-Key was accepted a moment ago; retry to get its answer."));
        // the group commit takes the claim with the events; if it did not (no events, or group commit off), it is
        // written here, still in the command's transaction and before it commits
        unitOfWork.resources().put(IdempotencyClaim.RESOURCE, claim);
        unitOfWork.onPrepareCommit(u -> {
            IdempotencyClaim left = (IdempotencyClaim) u.resources().remove(IdempotencyClaim.RESOURCE);
            if (left != null) {
                write(left);
            }
        });
        return result;
    }

    private void write(IdempotencyClaim claim) {
        int claimed = jdbc.update("""
                INSERT INTO idempotency_key (idempotency_key, request_hash, agreement_id, response_status, response_location,
                                             response_etag, response_body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", claim.key(), claim.requestHash(), claim.agreementId(), claim.status(),
                claim.location(), claim.etag(), claim.body());
        if (claimed == 0) {
            throw claim.whenTaken().get();
        }
    }

    private String bodyOf(Answer answer, long version) throws JsonProcessingException {
        return json.writeValueAsString(answer.body(version));
    }

    private static String agreementIdOf(Object payload) {
        if (payload instanceof AgreementCommand command) {
            return command.agreementId().value();
        }
        throw new IllegalStateException("not an agreement command: " + payload.getClass().getName());
    }
}
