package org.agreementledger.contract;

import java.time.LocalDate;

/** Every party has accepted the current terms: the agreement binds them from {@code inForceOn}. */
public record AgreementEnteredIntoForce(
        AgreementId agreementId,
        LocalDate inForceOn) implements AgreementEvent {
}
