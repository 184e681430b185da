package org.agreementledger.ledger.axon;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code ledger.snapshot-threshold}: the fewest events between two snapshots of an agreement. */
@ConfigurationProperties("ledger")
@Validated
record SnapshotProperties(@DefaultValue("100") @Min(1) @Max(1_000_000) int snapshotThreshold) {
}
