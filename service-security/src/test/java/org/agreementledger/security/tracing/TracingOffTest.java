package org.agreementledger.security.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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

    @Test
    void withTracingOnTheServiceTracesWithOpenTelemetry() {
        service.withPropertyValues("management.tracing.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Tracer.class)).isInstanceOf(OtelTracer.class);
        });
    }
}
