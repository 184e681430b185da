package org.agreementledger.projection.consumer;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.EventTypes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The projection's part of one trace from a request to the views (docs/operations.md#tracing): applying a record to
 * the live views is a span ({@code apply <Event>}), a child of the ledger's publication of it, whose W3C trace context
 * the record carries in {@link EventHeaders#TRACEPARENT}. A record without it (recorded before tracing, or while
 * tracing was off in the ledger) starts a trace of its own. With tracing off (the default) this is a no-op.
 */
@Component
class RecordTracing {

    private static final Propagator.Getter<ConsumerRecord<?, ?>> HEADERS = (record, field) -> {
        String name = EventHeaders.ofTraceContextField(field);
        return name == null ? null : header(record, name);
    };

    private final Tracer tracer;
    private final Propagator propagator;

    RecordTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    <T> T applying(ConsumerRecord<?, ?> record, Supplier<T> work) {
        String type = header(record, EventHeaders.TYPE);
        Span span = propagator.extract(record, HEADERS)
                // a known event type names the span; anything else a record claims to be does not
                .name("apply " + (type != null && EventTypes.classOf(type).isPresent() ? type : "event"))
                .kind(Span.Kind.CONSUMER)
                .tag("messaging.system", "kafka").tag("messaging.destination.name", record.topic())
                .tag("messaging.kafka.partition", Integer.toString(record.partition()))
                .tag("messaging.kafka.offset", Long.toString(record.offset()))
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
