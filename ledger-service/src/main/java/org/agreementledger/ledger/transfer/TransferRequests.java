package org.agreementledger.ledger.transfer;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferId;
import org.agreementledger.ledger.transfer.TransferCommands.CancelTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CompleteTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CorrectTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.RecordTransfer;

import java.time.LocalDate;
import java.util.List;

final class TransferRequests {

    private TransferRequests() {
    }

    @Schema(description = "A movement of people (e.g. one flight): aggregate counts only, never names", example = """
            {"fromCountry": "PA", "toCountry": "CO", "transferDate": "2025-02-06", "reference": "US-funded flight",
             "headcounts": [
               {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "count": 32},
               {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 11}]}""")
    record Record(
            @Schema(description = "Chosen by the caller to make retries safe; generated when absent") TransferId transferId,
            @NotNull CountryCode fromCountry,
            @NotNull CountryCode toCountry,
            @NotNull LocalDate transferDate,
            @NotEmpty List<@NotNull Headcount> headcounts,
            @Size(max = 1000) String reference) {

        RecordTransfer toCommand(AgreementId agreementId, TransferId id, Long expectedVersion) {
            return new RecordTransfer(agreementId, id, fromCountry, toCountry, transferDate, headcounts, reference, expectedVersion);
        }
    }

    @Schema(example = "{\"completedOn\": \"2025-02-06\"}")
    record Complete(@NotNull LocalDate completedOn) {
        CompleteTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CompleteTransfer(agreementId, transferId, completedOn, expectedVersion);
        }
    }

    @Schema(example = "{\"cancelledOn\": \"2025-02-06\", \"reason\": \"aircraft unavailable\"}")
    record Cancel(@NotNull LocalDate cancelledOn, @Size(max = 2000) String reason) {
        CancelTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CancelTransfer(agreementId, transferId, cancelledOn, reason, expectedVersion);
        }
    }

    @Schema(description = "The corrected counts, replacing those of the event being corrected", example = """
            {"correctedOn": "2025-02-07", "reason": "manifest recount",
             "headcounts": [{"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "count": 31},
                            {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 12}]}""")
    record Correct(@NotNull LocalDate correctedOn, @NotEmpty List<@NotNull Headcount> headcounts,
                   @NotNull @Size(min = 1, max = 2000) String reason) {
        CorrectTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CorrectTransfer(agreementId, transferId, correctedOn, headcounts, reason, expectedVersion);
        }
    }
}
