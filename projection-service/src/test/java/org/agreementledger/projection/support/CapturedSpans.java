package org.agreementledger.projection.support;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.util.List;

/**
 * The spans the service recorded, each kept as soon as it ends. Tests sample nothing of their own accord, so only
 * traces a test started with a sampled {@code traceparent} are recorded and kept here.
 */
public class CapturedSpans implements SpanProcessor {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SpanProcessor exportAtOnce = SimpleSpanProcessor.create(spans);

    /** The ended spans of one trace, in the order they ended. */
    public List<SpanData> ofTrace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        exportAtOnce.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
        return exportAtOnce.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
        exportAtOnce.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
        return exportAtOnce.isEndRequired();
    }
}
