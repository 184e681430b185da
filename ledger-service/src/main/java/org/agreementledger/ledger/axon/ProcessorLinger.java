package org.agreementledger.ledger.axon;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.springboot.EventProcessorProperties;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * After a batch smaller than its processor's {@code batch-size}, the processor's thread waits
 * {@code ledger.processors.linger} before it reads the event store again. Under a trickle of commands each tracking
 * processor otherwise reads, handles and stores its token for every event on its own, and the publisher commits one
 * Kafka transaction per event, which the projection then applies in a transaction of its own: at one client that work
 * took most of the stack's two cores (docs/benchmarks.md, run Z19). The wait follows a batch and never precedes one,
 * so an event after a quiet spell is handled at once; a full batch (a processor behind) is not followed by a wait.
 */
@Component
final class ProcessorLinger {

    private static final String RESOURCE = ProcessorLinger.class.getName();

    private final Duration linger;

    @Autowired
    ProcessorLinger(Settings settings) {
        this.linger = settings.linger();
    }

    ProcessorLinger(Duration linger) {
        this.linger = linger;
    }

    @Autowired
    void registerWith(EventProcessingConfigurer processing, EventProcessorProperties processors) {
        processing.registerDefaultHandlerInterceptor((configuration, processor) -> {
            EventProcessorProperties.ProcessorSettings settings = processors.getProcessors().get(processor);
            return of(settings == null ? 1 : settings.getBatchSize());
        });
    }

    /** The interceptor for a processor reading at most {@code batchSize} events a batch. */
    MessageHandlerInterceptor<EventMessage<?>> of(int batchSize) {
        return (unitOfWork, chain) -> lingerAfter(unitOfWork, chain, batchSize);
    }

    private Object lingerAfter(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain, int batchSize)
            throws Exception {
        UnitOfWork<?> root = unitOfWork.root();
        if (!linger.isZero() && root instanceof BatchingUnitOfWork<?> batch && batch.getMessages().size() < batchSize
                && root.resources().putIfAbsent(RESOURCE, Boolean.TRUE) == null) {
            root.afterCommit(u -> pause());
        }
        return chain.proceed();
    }

    private void pause() {
        try {
            Thread.sleep(linger.toMillis(), linger.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code ledger.processors.linger}: 0 to 1 s; 0 turns the wait off. */
    @ConfigurationProperties("ledger.processors")
    @Validated
    record Settings(@DefaultValue("10ms") @DurationMin @DurationMax(seconds = 1) Duration linger) {
    }
}
