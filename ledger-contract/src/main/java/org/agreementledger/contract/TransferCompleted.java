package org.agreementledger.contract;

import java.time.LocalDate;

/** The transfer took place: the people arrived in the receiving country. */
public record TransferCompleted(
        AgreementId agreementId,
        TransferId transferId,
        LocalDate completedOn) implements AgreementEvent {
}
