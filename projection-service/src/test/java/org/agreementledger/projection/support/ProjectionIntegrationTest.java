package org.agreementledger.projection.support;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * The projection-service against the JVM's shared real PostgreSQL and Kafka, with its own database,
 * topic and consumer group, and a {@link FaultyProjector} tests can make fail. Subclasses share one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@Import({FaultyProjector.class, CapturedSpans.class})
public abstract class ProjectionIntegrationTest {

    protected static final String TOPIC;
    protected static final LocalIdentityProvider TOKENS;
    protected static final String DATABASE_URL;

    static {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        DATABASE_URL = infrastructure.freshDatabase("projection");
        TOPIC = infrastructure.freshTopic("ledger-agreement-events", 6);
        try {
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("projection-test-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dashboard's token: reads every view. */
    protected static String dashboardToken() {
        return TOKENS.mint("dashboard", null, List.of("ledger.read"), Duration.ofHours(1));
    }

    protected static String countryToken(String country) {
        return TOKENS.mint("service-" + country, country, List.of("ledger.write"), Duration.ofHours(1));
    }

    /** Waits until the views hold the agreement's events up to {@code lastSequence}. */
    protected static void awaitApplied(JdbcTemplate jdbc, AgreementId id, long lastSequence) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Long applied = jdbc.queryForObject("SELECT max(sequence) FROM views.agreement_history WHERE agreement_id = ?",
                    Long.class, id.value());
            if (applied != null && applied == lastSequence) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the projection did not apply event " + lastSequence + " of agreement " + id);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        // the shared servers stop with the JVM too: do not wait for them when the context closes
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("projection.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("projection.kafka.topic", () -> TOPIC);
        registry.add("projection.kafka.group-id", () -> "projection-" + TOPIC);
        // the live feed's keep-alive comments, often enough for a test to see one
        registry.add("projection.live.heartbeat", () -> "1s");
        // the lag gauges are read by tests: refresh them often
        registry.add("projection.lag.refresh-interval", () -> "200ms");
        // readiness thresholds small enough for a test to cross them in seconds
        registry.add("projection.readiness.max-lag", () -> "50");
        registry.add("projection.readiness.stall-after", () -> "3s");
        registry.add("projection.rebuild.old-views-lock-wait", () -> "1s");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + TOKENS.publicKeyFile().toAbsolutePath());
        // tracing on as in docker-compose, but recording only the traces of records a test sends with a sampled
        // ce_traceparent (into CapturedSpans), and exporting nothing
        registry.add("management.tracing.enabled", () -> "true");
        registry.add("management.tracing.sampling.probability", () -> "0.0");
        registry.add("management.otlp.tracing.export.enabled", () -> "false");
    }
}
