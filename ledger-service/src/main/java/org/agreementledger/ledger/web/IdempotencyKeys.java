package org.agreementledger.ledger.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.ledger.command.AgreementCommand;
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
 * Claims a command's Idempotency-Key inside the command's own transaction and stores the answer there too, once the
 * command is decided: the key and its answer are durable if and only if the command's events are. A retry after any
 * crash therefore finds either nothing (the command was not recorded: it runs again) or the original answer.
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
        int claimed = jdbc.update("""
                INSERT INTO idempotency_key (idempotency_key, request_hash, agreement_id) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING""", key, command.getMetaData().get(REQUEST_HASH), agreementIdOf(command.getPayload()));
        if (claimed == 0) {
            // a concurrent request with this key committed first; the filter answers with its stored answer
            throw LedgerRuleViolation.conflict(IdempotencyFilter.IN_PROGRESS,
                    "Another request with this Idempotency-Key was accepted a moment ago; retry to get its answer.");
        }
        Object result = chain.proceed();
        Answer answer = Answer.fromMetaData(command.getMetaData());
        if (answer != null) {
            long version = AgreementCommands.versionAnswered(result);
            jdbc.update("""
                    UPDATE idempotency_key SET response_status = ?, response_location = ?, response_etag = ?, response_body = ?
                    WHERE idempotency_key = ?""",
                    answer.status(), answer.location(), Answer.etag(version), bodyOf(answer, version), key);
        }
        return result;
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
