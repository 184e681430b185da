package org.agreementledger.ledger.support;

import org.agreementledger.infra.SharedTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ledger-service against the JVM's shared real PostgreSQL and Kafka, with its own database and
 * topic. Subclasses share one Spring context, so tests must not assume empty tables or topics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class LedgerIntegrationTest {

    protected static final String TOPIC;
    private static final String DATABASE_URL;

    static {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        DATABASE_URL = infrastructure.freshDatabase("ledger");
        TOPIC = infrastructure.freshTopic("ledger-agreement-events", 6);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        registry.add("ledger.kafka.bootstrap-servers", () -> SharedTestInfrastructure.get().kafka().bootstrapServers());
        registry.add("ledger.kafka.topic", () -> TOPIC);
    }
}
