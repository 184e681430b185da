package org.agreementledger.ledger.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.agreementledger.contract.EventHeaders;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.unitofwork.ExecutionResult;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.apache.kafka.common.header.Headers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The ledger's part of one trace from a request to the views (docs/operations.md#tracing). The W3C trace context of
 * the request's span rides in the command's metadata; handling the command is a span ({@code handle <Command>}) with
 * the append to the event store as its child ({@code append events}); every event records the handling span's
 * context in its metadata ({@code traceparent}, {@code tracestate}), and publishing it is a span
 * ({@code publish <Event>}) whose context the Kafka record carries in {@link EventHeaders#TRACEPARENT}. None of it is
 * part of an event's hash. With tracing off (the default) there is no tracer: commands are not intercepted and the
 * publication spans are no-ops.
 */
@Component
public class LedgerTracing {

    /** Reads the W3C fields from command or event metadata, where they are stored under their own names. */
    private static final Propagator.Getter<Map<String, ?>> METADATA = (metaData, field) -> {
        Object value = metaData.get(field);
        return value == null ? null : value.toString();
    };

    private final Tracer tracer;
    private final Propagator propagator;

    LedgerTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    /** Registered here rather than as interceptor beans, which Axon's auto-configuration would register a second time. */
    @Autowired
    void registerWith(CommandBus commandBus) {
        if (tracer == Tracer.NOOP) {
            return;
        }
        MessageDispatchInterceptor<CommandMessage<?>> carry = this::carryTheCurrentTrace;
        commandBus.registerDispatchInterceptor(carry);
        commandBus.registerHandlerInterceptor(this::handleInASpan);
    }

    private BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> carryTheCurrentTrace(
            List<? extends CommandMessage<?>> commands) {
        return (index, command) -> {
            Span current = tracer.currentSpan();
            return current == null ? command : command.andMetaData(traceContextOf(current));
        };
    }

    /**
     * Handling the command, from loading its aggregate to the commit of what it appended, is one span; the append and
     * commit a child of it; the events it appends record its context, so that their publication joins the trace.
     */
    private Object handleInASpan(UnitOfWork<? extends CommandMessage<?>> unitOfWork,
                                 InterceptorChain chain) throws Exception {
        CommandMessage<?> command = unitOfWork.getMessage();
        Span handling = propagator.extract(command.getMetaData(), METADATA)
                .name("handle " + command.getPayloadType().getSimpleName()).start();
        Map<String, String> context = traceContextOf(handling);
        unitOfWork.registerCorrelationDataProvider(message -> context);
        AtomicReference<Span> append = new AtomicReference<>();
        // registered before the handler runs, so the span starts before the event store's own prepare-commit work
        unitOfWork.onPrepareCommit(u -> append.set(tracer.nextSpan(handling).name("append events").start()));
        unitOfWork.afterCommit(u -> append.get().end());
        unitOfWork.onRollback(u -> {
            Span appending = append.get();
            if (appending != null) {
                failed(appending, u).end();
            }
            failed(handling, u);
        });
        unitOfWork.onCleanup(u -> handling.end());
        try (Tracer.SpanInScope scope = tracer.withSpan(handling)) {
            return chain.proceed();
        }
    }

    /**
     * Starts the span of one event's publication, a child of the span that handled its command (a root span for
     * events recorded without a trace), and writes its context into the record's headers.
     */
    public Span publishing(Message<?> event, String type, String topic, Headers headers) {
        Span span = propagator.extract(event.getMetaData(), METADATA)
                .name("publish " + type).kind(Span.Kind.PRODUCER)
                .tag("messaging.system", "kafka").tag("messaging.destination.name", topic)
                .start();
        propagator.inject(span.context(), headers, (carrier, field, value) -> {
            String header = EventHeaders.ofTraceContextField(field);
            if (header != null) {
                carrier.add(header, value.getBytes(StandardCharsets.UTF_8));
            }
        });
        return span;
    }

    /** The W3C trace-context fields of a span, as metadata. */
    private Map<String, String> traceContextOf(Span span) {
        Map<String, String> context = new HashMap<>();
        propagator.inject(span.context(), context, (carrier, field, value) -> {
            if (EventHeaders.ofTraceContextField(field) != null) {
                carrier.put(field, value);
            }
        });
        return context;
    }

    private static Span failed(Span span, UnitOfWork<?> unitOfWork) {
        ExecutionResult result = unitOfWork.getExecutionResult();
        if (result != null && result.isExceptionResult()) {
            span.error(result.getExceptionResult());
        }
        return span;
    }
}
