package org.agreementledger.ledger.faults;

import org.agreementledger.infra.LocalIdentityProvider;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.function.Supplier;

/** A ledger context on a Kafka of the test's own (a broker process, a cluster), with a database and keys of its own. */
final class LedgerOnItsOwnKafka {

    private LedgerOnItsOwnKafka() {
    }

    static void register(DynamicPropertyRegistry registry, String name, Supplier<Object> bootstrapServers,
                         LocalIdentityProvider tokens) {
        registry.add("spring.datasource.url", () -> SharedTestInfrastructure.get().freshDatabase("ledger-" + name));
        registry.add("spring.datasource.username", () -> "test");
        registry.add("spring.datasource.password", () -> "test");
        // the shared servers stop with the JVM too: do not wait for them when the context closes
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "2s");
        registry.add("ledger.kafka.bootstrap-servers", bootstrapServers);
        registry.add("ledger.checkpoints.key-directory",
                () -> System.getProperty("java.io.tmpdir") + "/" + name + "-checkpoint-keys");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location",
                () -> "file:" + tokens.publicKeyFile().toAbsolutePath());
    }
}
