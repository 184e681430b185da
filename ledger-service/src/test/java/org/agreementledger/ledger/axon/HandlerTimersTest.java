package org.agreementledger.ledger.axon;

import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.AnnotatedMessageHandlingMember;
import org.axonframework.messaging.annotation.ClasspathParameterResolverFactory;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.timeout.HandlerTimeoutHandlerEnhancerDefinition;
import org.axonframework.springboot.TimeoutProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Axon times every handler invocation unless told otherwise (a stack walk and a scheduled task each, for every
 * event-sourcing handler of every replayed event); the ledger times each unit of work once instead, which still
 * warns about a slow command or processor batch and interrupts it after a minute.
 */
class HandlerTimersTest extends LedgerIntegrationTest {

    @Autowired
    HandlerTimeoutHandlerEnhancerDefinition handlerTimers;

    @Autowired
    TimeoutProperties timeouts;

    @Test
    void commandAndEventHandlersRunWithoutATimerOfTheirOwn() throws Exception {
        assertThat(handlerTimers.wrapHandler(member("decide", CommandMessage.class))).isInstanceOf(AnnotatedMessageHandlingMember.class);
        assertThat(handlerTimers.wrapHandler(member("evolve", EventMessage.class))).isInstanceOf(AnnotatedMessageHandlingMember.class);
    }

    @Test
    void aSlowCommandOrProcessorBatchIsStillWarnedAboutAndStopped() {
        assertThat(timeouts.isEnabled()).isTrue();
        assertThat(timeouts.getTransaction().getCommandBus().getWarningThresholdMs()).isEqualTo(10_000);
        assertThat(timeouts.getTransaction().getCommandBus().getTimeoutMs()).isEqualTo(60_000);
        assertThat(timeouts.getTransaction().getEventProcessors().getWarningThresholdMs()).isEqualTo(10_000);
        assertThat(timeouts.getTransaction().getEventProcessors().getTimeoutMs()).isEqualTo(60_000);
    }

    private static MessageHandlingMember<Handlers> member(String method, Class<? extends Message> kind) throws Exception {
        return new AnnotatedMessageHandlingMember<>(Handlers.class.getDeclaredMethod(method, String.class), kind,
                String.class, ClasspathParameterResolverFactory.forClass(Handlers.class));
    }

    static class Handlers {
        @CommandHandler
        void decide(String command) {
        }

        @EventHandler
        void evolve(String event) {
        }
    }
}
