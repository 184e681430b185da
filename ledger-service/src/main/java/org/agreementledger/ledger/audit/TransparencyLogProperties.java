package org.agreementledger.ledger.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The transparency log (docs/audit.md): its origin (the first line of every tree head, and the name its key signs
 * under: no spaces, no '+'), and how often new leaves are folded into the tree and a new tree head is signed.
 */
@ConfigurationProperties("ledger.transparency-log")
public record TransparencyLogProperties(
        @DefaultValue("agreement-ledger.local/log") String origin,
        @DefaultValue("30s") Duration interval) {

    public TransparencyLogProperties {
        if (origin.isEmpty() || origin.length() > 200 || origin.chars().anyMatch(c -> c == '+' || c <= ' ')) {
            throw new IllegalArgumentException("ledger.transparency-log.origin is 1 to 200 characters without '+', "
                    + "space or control character");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("ledger.transparency-log.interval must be positive");
        }
    }
}
