package org.agreementledger.ledger.support;

import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * The ledger-service against the JVM's shared real PostgreSQL and Kafka, with its own database and topic, and
 * trusting a token issuer of its own. Subclasses share one Spring context, so tests must not assume empty tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@Import(CapturedSpans.class)
public abstract class LedgerIntegrationTest {

    protected static final String TOPIC;
    protected static final LocalIdentityProvider TOKENS;
    protected static final String CHECKPOINT_TOPIC;
    private static final String DATABASE_URL;
    private static final java.nio.file.Path CHECKPOINT_KEYS;

    static {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        DATABASE_URL = infrastructure.freshDatabase("ledger");
        TOPIC = infrastructure.freshTopic("ledger-agreement-events", 6);
        CHECKPOINT_TOPIC = infrastructure.freshTopic("ledger-checkpoints", 1);
        try {
            CHECKPOINT_KEYS = Files.createTempDirectory("ledger-checkpoint-keys");
            TOKENS = LocalIdentityProvider.loadOrCreate(Files.createTempDirectory("ledger-test-keys"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        // the shared servers stop with the JVM too: do not wait for them when the context closes
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("ledger.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("ledger.kafka.topic", () -> TOPIC);
        registry.add("ledger.checkpoints.topic", () -> CHECKPOINT_TOPIC);
        registry.add("ledger.checkpoints.key-directory", CHECKPOINT_KEYS::toString);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + TOKENS.publicKeyFile().toAbsolutePath());
        // tracing on as in docker-compose, but recording only the traces of requests a test sends with a sampled
        // traceparent (into CapturedSpans), and exporting nothing
        registry.add("management.tracing.enabled", () -> "true");
        registry.add("management.tracing.sampling.probability", () -> "0.0");
        registry.add("management.otlp.tracing.export.enabled", () -> "false");
    }

    /** A token of the given country's integration service. */
    protected static String countryToken(String country) {
        return TOKENS.mint("integration-service-" + country.toLowerCase(), country, List.of("ledger.write"), Duration.ofHours(1));
    }

    /**
     * Events recorded for requests that carried this X-Correlation-Id: "nothing appended" measured for one request,
     * however many other tests share the event store.
     */
    protected static long eventsCorrelatedWith(org.springframework.jdbc.core.JdbcTemplate jdbc, String correlationId) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM domainevententry WHERE convert_from(metadata, 'UTF8')::jsonb ->> 'correlationId' = ?""",
                Long.class, correlationId);
    }

    /** A ledger client acting as the given country's integration service. */
    protected LedgerHttp as(int port, String country) {
        return new LedgerHttp(port, countryToken(country));
    }
}
