package org.agreementledger.ledger.audit;

import org.agreementledger.contract.integrity.SignedNote;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * The transparency log (docs/audit.md): its origin (the first line of every tree head, and the name its key signs
 * under: no spaces, no '+'), how often new leaves are folded into the tree and a new tree head is signed, and the
 * witnesses whose cosignatures the ledger keeps and publishes beside its tree heads (C2SP verifier keys of type 0x04).
 */
@ConfigurationProperties("ledger.transparency-log")
public record TransparencyLogProperties(
        @DefaultValue("agreement-ledger.local/log") String origin,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("") List<String> witnesses) {

    public TransparencyLogProperties {
        if (origin.isEmpty() || origin.length() > 200 || origin.chars().anyMatch(c -> c == '+' || c <= ' ')) {
            throw new IllegalArgumentException("ledger.transparency-log.origin is 1 to 200 characters without '+', "
                    + "space or control character");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("ledger.transparency-log.interval must be positive");
        }
        witnesses = witnesses.stream().filter(key -> !key.isBlank()).toList();
        for (String witness : witnesses) {
            if (SignedNote.VerifierKey.parse(witness).type() != SignedNote.COSIGNATURE_V1) {
                throw new IllegalArgumentException("ledger.transparency-log.witnesses: " + witness
                        + " is not a cosignature key (type 0x04)");
            }
        }
    }
}
