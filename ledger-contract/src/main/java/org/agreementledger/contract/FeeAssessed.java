package org.agreementledger.contract;

import java.time.LocalDate;

/**
 * A charge arose under the fee schedule: the payer owes the payee {@code amount}. It references the transfer
 * that caused it (null for a lump sum); a correction that lowers a transfer's count assesses a negative amount.
 */
public record FeeAssessed(
        AgreementId agreementId,
        TransferId transferId,
        CountryCode payer,
        CountryCode payee,
        Money amount,
        FeeSchedule.Basis basis,
        int persons,
        LocalDate assessedOn) implements AgreementEvent {
}
