package org.agreementledger.contract;

import java.time.LocalDate;

/** The agreement's validity ended; no transfer is accepted after it. */
public record AgreementExpired(
        AgreementId agreementId,
        LocalDate expiredOn) implements AgreementEvent {
}
