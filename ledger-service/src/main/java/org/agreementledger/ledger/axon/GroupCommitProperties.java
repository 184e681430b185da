package org.agreementledger.ledger.axon;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Group commit of the write path (ADR 0007): on by default since two batches may be in flight, which measured
 * faster than one transaction per command in-process and no slower through REST (docs/benchmarks.md, run Q);
 * off appends each command's events in its own transaction, as Axon does. {@code maxCommands} bounds one transaction.
 */
@ConfigurationProperties("ledger.group-commit")
@Validated
record GroupCommitProperties(@DefaultValue("true") boolean enabled,
                             @DefaultValue("256") @Min(1) @Max(10_000) int maxCommands) {
}
