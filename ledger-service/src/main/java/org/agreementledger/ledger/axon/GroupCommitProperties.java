package org.agreementledger.ledger.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Group commit of the write path (ADR 0007): on by default since two batches may be in flight, which measured
 * faster than one transaction per command in-process and no slower through REST (docs/benchmarks.md, run Q);
 * off appends each command's events in its own transaction, as Axon does. {@code maxCommands} bounds one transaction.
 */
@ConfigurationProperties("ledger.group-commit")
record GroupCommitProperties(@DefaultValue("true") boolean enabled, @DefaultValue("256") int maxCommands) {

    GroupCommitProperties {
        if (maxCommands < 1 || maxCommands > 10_000) {
            throw new IllegalArgumentException("ledger.group-commit.max-commands must be between 1 and 10000");
        }
    }
}
