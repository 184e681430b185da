package org.agreementledger.ledger.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Group commit of the write path (ADR 0007): off by default, because on this machine it measured slower than one
 * transaction per command and a benchmark run with it on answered a 500 and then hung (docs/benchmarks.md, run G);
 * off appends each command's events in its own transaction, as Axon does. {@code maxCommands} bounds one transaction.
 */
@ConfigurationProperties("ledger.group-commit")
record GroupCommitProperties(@DefaultValue("false") boolean enabled, @DefaultValue("256") int maxCommands) {

    GroupCommitProperties {
        if (maxCommands < 1 || maxCommands > 10_000) {
            throw new IllegalArgumentException("ledger.group-commit.max-commands must be between 1 and 10000");
        }
    }
}
