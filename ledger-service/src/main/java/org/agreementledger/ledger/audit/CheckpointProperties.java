package org.agreementledger.ledger.audit;

import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Signed checkpoints: how often they go out (only when some chain moved), where, and where the ledger keeps its
 * Ed25519 key (made at first start when absent; back it up — an auditor pins its public half), how many heads one
 * may hold, and how long reading them may wait for PostgreSQL.
 */
@ConfigurationProperties("ledger.checkpoints")
public record CheckpointProperties(
        @DefaultValue("5m") Duration interval,
        @DefaultValue(LedgerTopics.CHECKPOINTS) String topic,
        @DefaultValue("data/keys") Path keyDirectory,
        @DefaultValue("100000") int maxAgreements,
        @DefaultValue("10m") Duration readTimeout) {

    public CheckpointProperties {
        // the driver takes whole milliseconds in an int, and 0 would mean no bound at all
        if (readTimeout.compareTo(Duration.ofSeconds(1)) < 0 || readTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("ledger.checkpoints.read-timeout must be between 1s and 1d, not " + readTimeout);
        }
    }
}
