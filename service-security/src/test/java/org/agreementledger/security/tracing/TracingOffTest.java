package org.agreementledger.security.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tracing off means no tracer, whatever Spring Boot's own switch leaves running; on means OpenTelemetry's. */
class TracingOffTest {

    private final ApplicationContextRunner service = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            TracingOffAutoConfiguration.class, OpenTelemetryAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
            MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class, ObservationAutoConfiguration.class));

    @Test
    void withTracingOffTheServiceHasNoTracerThatRecordsAnything() {
        service.withPropertyValues("management.tracing.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
            assertThat(context.getBean(Tracer.class).nextSpan().start().isNoop()).isTrue();
        });
    }

    /** What the ledger does for each event it publishes and the projection for each record it applies. */
    @Test
    void withTracingOffAPublishedEventStartsNoSpanAndCarriesNoTraceContext() {
        // every trace sampled, as both services' application.yml say
        service.withPropertyValues("management.tracing.enabled=false", "management.tracing.sampling.probability=1.0").run(context -> {
            Propagator propagator = context.getBean(Propagator.class);
            Span publishing = propagator.extract(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                    (carrier, field) -> carrier.get(field)).name("publish AgreementOffered").start();
            Map<String, String> headers = new HashMap<>();
            propagator.inject(publishing.context(), headers, Map::put);

            assertThat(publishing.isNoop()).isTrue();
            assertThat(headers).isEmpty();
        });
    }

    @Test
    void withTracingOnTheServiceTracesWithOpenTelemetry() {
        service.withPropertyValues("management.tracing.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Tracer.class)).isInstanceOf(OtelTracer.class);
            assertThat(context.getBean(Propagator.class)).isInstanceOf(OtelPropagator.class);
        });
    }
}
