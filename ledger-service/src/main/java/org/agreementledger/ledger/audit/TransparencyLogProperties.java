package org.agreementledger.ledger.audit;

import org.agreementledger.contract.integrity.SignedNote;
import org.springframework.boot.context.properties.ConfigurationProperties;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * The transparency log (docs/audit.md): its origin (the first line of every tree head, and the name its key signs
 * under: no spaces, no '+'), how often new leaves are folded into the tree and a new tree head is signed, and the
 * witnesses whose cosignatures the ledger keeps and publishes beside its tree heads (C2SP verifier keys of type 0x04).
 */
@ConfigurationProperties("ledger.transparency-log")
@Validated
public record TransparencyLogProperties(
        @DefaultValue("agreement-ledger.local/log") @Pattern(regexp = "[^+\\x00-\\x20]{1,200}",
                message = "must be 1 to 200 characters without '+', space or control character") String origin,
        @DefaultValue("30s") @DurationMin(seconds = 1) @DurationMax(days = 1) Duration interval,
        @DefaultValue("") List<String> witnesses) {

    public TransparencyLogProperties {
        witnesses = witnesses.stream().filter(key -> !key.isBlank()).toList();
        for (String witness : witnesses) {
            if (SignedNote.VerifierKey.parse(witness).type() != SignedNote.COSIGNATURE_V1) {
                throw new IllegalArgumentException("ledger.transparency-log.witnesses: " + witness
                        + " is not a cosignature key (type 0x04)");
            }
        }
    }
}
