package org.agreementledger.security.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * With {@code management.tracing.enabled=false} (both services' default) there is no tracer: Micrometer's no-op one
 * stands in for OpenTelemetry's. Spring Boot's switch only stops exporting and propagating; its OpenTelemetry tracer
 * still started and recorded a span for every request and every security filter, which the ledger's profile showed
 * (docs/benchmarks.md) and docs/operations.md#tracing said did not happen. The services' own tracing code treats
 * the no-op tracer as tracing off: commands are not intercepted, publication spans are no-ops.
 * <p>
 * The propagator is a no-op too. Spring Boot's OpenTelemetry propagator stays a bean whatever the switch says, and its
 * {@code extract} builds spans with the OpenTelemetry SDK's own tracer: every event the ledger published and every
 * record the projection applied was a span sampled, recorded and queued for an export that never happens (1.2 % of
 * the ledger's CPU under load, docs/benchmarks.md run V).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration")
@ConditionalOnClass(Tracer.class)
@ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "false")
public class TracingOffAutoConfiguration {

    @Bean
    Tracer noTracer() {
        return Tracer.NOOP;
    }

    /** Primary over Boot's OpenTelemetry propagator, which is registered under its own type and cannot be left out. */
    @Bean
    @Primary
    Propagator noPropagator() {
        return Propagator.NOOP;
    }
}
