package org.agreementledger.ledger.web;

import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Stamps every command sent while serving a request with that request's correlation id. */
@Component
class RequestMetaDataInterceptor implements MessageDispatchInterceptor<CommandMessage<?>> {

    @Autowired
    void registerWith(CommandBus commandBus) {
        commandBus.registerDispatchInterceptor(this);
    }

    @Override
    public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(List<? extends CommandMessage<?>> messages) {
        return (index, command) -> {
            if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
                return command.andMetaData(Map.of(RequestCorrelationDataProvider.CORRELATION_ID,
                        CorrelationIdFilter.of(attributes.getRequest())));
            }
            return command;
        };
    }
}
