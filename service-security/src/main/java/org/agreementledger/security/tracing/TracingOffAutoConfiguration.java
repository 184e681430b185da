package org.agreementledger.security.tracing;

import io.micrometer.tracing.Tracer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With {@code management.tracing.enabled=false} (both services' default) there is no tracer: Micrometer's no-op one
 * stands in for OpenTelemetry's. Spring Boot's switch only stops exporting and propagating; its OpenTelemetry tracer
 * still started and recorded a span for every request and every security filter, which the ledger's profile showed
 * (docs/benchmarks.md) and docs/operations.md#tracing said did not happen. The services' own tracing code treats
 * the no-op tracer as tracing off: commands are not intercepted, publication spans are no-ops.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration")
@ConditionalOnClass(Tracer.class)
@ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "false")
public class TracingOffAutoConfiguration {

    @Bean
    Tracer noTracer() {
        return Tracer.NOOP;
    }
}
