package org.agreementledger.ledger.transfer;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferId;
import org.agreementledger.ledger.web.CanonicalUuid;
import org.agreementledger.ledger.transfer.TransferCommands.CancelTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CompleteTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CorrectTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.RecordTransfer;

import java.time.LocalDate;
import java.util.List;

final class TransferRequests {

    private TransferRequests() {
    }

    @Schema(description = "People of one nationality, category, sex and age group; ageGroup may be left out (NOT_RECORDED)",
            example = "{\"nationality\": \"CO\", \"category\": \"IRREGULAR_MIGRANT\", \"sex\": \"MALE\", \"ageGroup\": \"ADULT\", \"count\": 32}")
    record HeadcountLine(CountryCode nationality, PersonCategory category, Sex sex, AgeGroup ageGroup, int count) {

        HeadcountLine {
            toHeadcount(nationality, category, sex, ageGroup, count);
        }

        static List<Headcount> toHeadcounts(List<HeadcountLine> lines) {
            return lines.stream().map(l -> toHeadcount(l.nationality, l.category, l.sex, l.ageGroup, l.count)).toList();
        }

        /** The contract requires an age group; a request that does not state one has not recorded it. */
        private static Headcount toHeadcount(CountryCode nationality, PersonCategory category, Sex sex, AgeGroup ageGroup, int count) {
            return new Headcount(nationality, category, sex, ageGroup == null ? AgeGroup.NOT_RECORDED : ageGroup, count);
        }
    }

    @Schema(description = "A movement of people (e.g. one flight): aggregate counts only, never names", example = """
            {"fromCountry": "PA", "toCountry": "CO", "transferDate": "2025-02-06", "reference": "US-funded flight",
             "headcounts": [
               {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "ageGroup": "ADULT", "count": 32},
               {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 11}]}""")
    record Record(
            @Schema(description = "Chosen by the caller to make retries safe (a UUID in lower case); generated when absent")
            @CanonicalUuid TransferId transferId,
            @NotNull CountryCode fromCountry,
            @NotNull CountryCode toCountry,
            @NotNull LocalDate transferDate,
            @NotEmpty @Size(max = ContractLimits.MAX_HEADCOUNT_LINES) List<@NotNull HeadcountLine> headcounts,
            @Size(max = ContractLimits.MAX_REFERENCE_LENGTH) String reference) {

        RecordTransfer toCommand(AgreementId agreementId, TransferId id, Long expectedVersion) {
            return new RecordTransfer(agreementId, id, fromCountry, toCountry, transferDate,
                    HeadcountLine.toHeadcounts(headcounts), reference, expectedVersion);
        }
    }

    @Schema(example = "{\"completedOn\": \"2025-02-06\"}")
    record Complete(@NotNull LocalDate completedOn) {
        CompleteTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CompleteTransfer(agreementId, transferId, completedOn, expectedVersion);
        }
    }

    @Schema(example = "{\"cancelledOn\": \"2025-02-06\", \"reason\": \"aircraft unavailable\"}")
    record Cancel(@NotNull LocalDate cancelledOn, @Size(max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        CancelTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CancelTransfer(agreementId, transferId, cancelledOn, reason, expectedVersion);
        }
    }

    @Schema(description = "The corrected counts, replacing those of the event being corrected", example = """
            {"correctedOn": "2025-02-07", "reason": "manifest recount",
             "headcounts": [{"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "count": 31},
                            {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 12}]}""")
    record Correct(@NotNull LocalDate correctedOn, @NotEmpty @Size(max = ContractLimits.MAX_HEADCOUNT_LINES) List<@NotNull HeadcountLine> headcounts,
                   @NotNull @Size(min = 1, max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        CorrectTransfer toCommand(AgreementId agreementId, TransferId transferId, Long expectedVersion) {
            return new CorrectTransfer(agreementId, transferId, correctedOn, HeadcountLine.toHeadcounts(headcounts), reason,
                    expectedVersion);
        }
    }
}
