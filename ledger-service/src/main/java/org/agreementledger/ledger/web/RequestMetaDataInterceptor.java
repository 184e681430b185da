package org.agreementledger.ledger.web;

import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.agreementledger.ledger.command.LedgerRuleViolation;
import org.agreementledger.security.Caller;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Stamps every command sent while serving a request with its caller (from the verified token) and correlation id. */
@Component
class RequestMetaDataInterceptor {

    /** Registered here rather than as an interceptor bean, which Axon's auto-configuration would register a second time. */
    @Autowired
    void registerWith(CommandBus commandBus) {
        MessageDispatchInterceptor<CommandMessage<?>> stamp = this::stamp;
        commandBus.registerDispatchInterceptor(stamp);
    }

    private BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> stamp(List<? extends CommandMessage<?>> messages) {
        return (index, command) -> {
            if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
                Map<String, Object> metaData = new HashMap<>();
                metaData.put(RequestCorrelationDataProvider.CORRELATION_ID, CorrelationIdFilter.of(attributes.getRequest()));
                Caller.current().ifPresent(caller -> {
                    if (caller.country().isEmpty()) {
                        throw LedgerRuleViolation.forbidden("no-country", null,
                                "Commands are issued by a country's service; the token names no country.");
                    }
                    metaData.put(RequestCorrelationDataProvider.PRINCIPAL, caller.principal());
                    caller.country().ifPresent(country -> metaData.put(RequestCorrelationDataProvider.COUNTRY, country.value()));
                    metaData.put(RequestCorrelationDataProvider.ROLES, String.join(" ", caller.roles()));
                });
                if (attributes.getRequest().getAttribute(IdempotencyFilter.CLAIM) instanceof IdempotencyFilter.Claim claim) {
                    metaData.put(IdempotencyKeys.KEY, claim.key());
                    metaData.put(IdempotencyKeys.REQUEST_HASH, claim.requestHash());
                }
                return command.andMetaData(metaData);
            }
            return command;
        };
    }
}
