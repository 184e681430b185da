package org.agreementledger.projection.support;

import org.agreementledger.infra.SharedTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The projection-service against the JVM's shared real PostgreSQL and Kafka, with its own database,
 * topic and consumer group. Subclasses share one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ProjectionIntegrationTest {

    protected static final String TOPIC;
    private static final String DATABASE_URL;

    static {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        DATABASE_URL = infrastructure.freshDatabase("projection");
        TOPIC = infrastructure.freshTopic("ledger-agreement-events", 6);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        registry.add("projection.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("projection.kafka.topic", () -> TOPIC);
        registry.add("projection.kafka.group-id", () -> "projection-" + TOPIC);
    }
}
