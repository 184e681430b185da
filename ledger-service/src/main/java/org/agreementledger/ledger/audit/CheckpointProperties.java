package org.agreementledger.ledger.audit;

import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Signed checkpoints: how often they go out (only when some chain moved), where, and where the ledger keeps its
 * Ed25519 key (made at first start when absent; back it up — an auditor pins its public half), how many heads one
 * may hold, and how long reading them may wait for PostgreSQL.
 */
@ConfigurationProperties("ledger.checkpoints")
@Validated
public record CheckpointProperties(
        @DefaultValue("5m") @DurationMin(seconds = 1) @DurationMax(days = 1) Duration interval,
        @DefaultValue(LedgerTopics.CHECKPOINTS) @Pattern(regexp = LedgerTopics.LEGAL_NAME) String topic,
        @DefaultValue("data/keys") @NotNull Path keyDirectory,
        // a checkpoint is one record of about 150 bytes a head, and its topic takes records of up to 64 MiB
        @DefaultValue("100000") @Min(1) @Max(400_000) int maxAgreements,
        // the driver takes whole milliseconds in an int, and 0 would mean no bound at all
        @DefaultValue("10m") @DurationMin(seconds = 1) @DurationMax(days = 1) Duration readTimeout) {
}
