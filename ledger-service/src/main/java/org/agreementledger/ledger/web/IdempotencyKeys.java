package org.agreementledger.ledger.web;

import org.agreementledger.ledger.agreement.AgreementCommand;
import org.agreementledger.ledger.agreement.LedgerRuleViolation;
import org.agreementledger.ledger.agreement.LifecycleCommands;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Claims a command's Idempotency-Key inside the command's own transaction: the key is stored if and only if the
 * command's events are. Two concurrent requests with one key cannot both append.
 */
@Component
class IdempotencyKeys {

    static final String KEY = "idempotencyKey";
    static final String REQUEST_HASH = "requestHash";

    private final JdbcTemplate jdbc;

    IdempotencyKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
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
        if (key != null) {
            int claimed = jdbc.update("""
                    INSERT INTO idempotency_key (idempotency_key, request_hash, agreement_id) VALUES (?, ?, ?)
                    ON CONFLICT DO NOTHING""", key, command.getMetaData().get(REQUEST_HASH), agreementIdOf(command.getPayload()));
            if (claimed == 0) {
                throw LedgerRuleViolation.conflict("idempotency-key-in-progress",
                        "Another request with this Idempotency-Key was accepted a moment ago; retry to get its answer.");
            }
        }
        return chain.proceed();
    }

    private static String agreementIdOf(Object payload) {
        if (payload instanceof AgreementCommand command) {
            return command.agreementId().value();
        }
        if (payload instanceof LifecycleCommands.OfferAgreement offer) {
            return offer.agreementId().value();
        }
        throw new IllegalStateException("not an agreement command: " + payload.getClass().getName());
    }
}
