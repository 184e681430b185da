package org.agreementledger.contract;

import java.time.LocalDate;

/** The transfer did not and will not take place. */
public record TransferCancelled(
        AgreementId agreementId,
        TransferId transferId,
        LocalDate cancelledOn,
        String reason) implements AgreementEvent {
}
