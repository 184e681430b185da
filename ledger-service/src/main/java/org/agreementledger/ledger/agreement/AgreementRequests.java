package org.agreementledger.ledger.agreement;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Validity;
import org.agreementledger.ledger.agreement.LifecycleCommands.AcceptAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.AmendOffer;
import org.agreementledger.ledger.agreement.LifecycleCommands.OfferAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.RejectAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.ResumeAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.SuspendAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.TerminateAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.WithdrawOffer;

import java.time.LocalDate;
import java.util.List;

/** The JSON bodies of the agreement resource's commands; each only translates into a command. */
final class AgreementRequests {

    private AgreementRequests() {
    }

    @Schema(description = "An offer of an agreement, recorded exactly as made. Only the first four fields are required.",
            example = """
                    {"offeringParty": "SV", "otherParties": ["US"],
                     "title": "El Salvador offers to take deportees of any nationality into CECOT for a fee",
                     "offeredOn": "2025-02-03",
                     "validity": {"from": "2025-02-03"},
                     "commitments": [
                       {"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                        "categories": ["CONVICTED_CRIMINAL", "GANG_MEMBER"], "fromParties": ["US"], "facility": "CECOT"},
                       {"type": "pay", "party": "US", "payee": "SV", "purpose": "FEES"}],
                     "feeSchedules": [
                       {"payer": "US", "payee": "SV", "amount": {"amount": "20000.00", "currency": "USD"}, "basis": "PER_PERSON_PER_YEAR"}],
                     "sourceReference": "US Department of State, 4 Feb 2025"}""")
    record Offer(
            @Schema(description = "ISO 3166-1 alpha-2 code of the party making the offer", example = "SV")
            @NotNull CountryCode offeringParty,
            @Schema(description = "ISO 3166-1 alpha-2 codes of the other parties", example = "[\"US\"]")
            @NotEmpty @Size(max = ContractLimits.MAX_PARTIES - 1) List<@NotNull CountryCode> otherParties,
            @NotBlank @Size(max = ContractLimits.MAX_TITLE_LENGTH) String title,
            @Schema(description = "The day the offer was made", example = "2025-02-03") @NotNull LocalDate offeredOn,
            @Schema(description = "When the agreement may be in force; by default from the offer, open-ended") Validity validity,
            List<@NotNull Commitment> commitments,
            List<@NotNull FeeSchedule> feeSchedules,
            @Size(max = ContractLimits.MAX_REFERENCE_LENGTH) String sourceReference) {

        OfferAgreement toCommand(AgreementId agreementId) {
            Validity effective = validity != null ? validity : new Validity(offeredOn, null);
            return new OfferAgreement(agreementId, offeringParty, otherParties, offeredOn,
                    new AgreementTerms(title, commitments, feeSchedules, effective), sourceReference);
        }
    }

    @Schema(description = "A counter-offer: the complete new terms, proposed by one of the parties", example = """
            {"party": "US", "amendedOn": "2025-02-04", "title": "Counter-offer: convicted criminals only, no US citizens",
             "validity": {"from": "2025-02-04", "until": "2026-02-03"},
             "commitments": [{"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                              "categories": ["CONVICTED_CRIMINAL"], "facility": "CECOT"}]}""")
    record Amend(
            @NotNull CountryCode party,
            @NotNull LocalDate amendedOn,
            @NotBlank @Size(max = ContractLimits.MAX_TITLE_LENGTH) String title,
            @NotNull Validity validity,
            List<@NotNull Commitment> commitments,
            List<@NotNull FeeSchedule> feeSchedules) {

        AmendOffer toCommand(AgreementId agreementId, Long expectedVersion) {
            return new AmendOffer(agreementId, party, amendedOn,
                    new AgreementTerms(title, commitments, feeSchedules, validity), expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}")
    record Accept(@NotNull CountryCode party, @NotNull LocalDate acceptedOn) {
        AcceptAgreement toCommand(AgreementId id, Long expectedVersion) {
            return new AcceptAgreement(id, party, acceptedOn, expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"US\", \"rejectedOn\": \"2025-02-05\", \"reason\": \"US law forbids deporting citizens\"}")
    record Reject(@NotNull CountryCode party, @NotNull LocalDate rejectedOn, @Size(max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        RejectAgreement toCommand(AgreementId id, Long expectedVersion) {
            return new RejectAgreement(id, party, rejectedOn, reason, expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"SV\", \"withdrawnOn\": \"2025-02-10\", \"reason\": \"superseded\"}")
    record Withdraw(@NotNull CountryCode party, @NotNull LocalDate withdrawnOn, @Size(max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        WithdrawOffer toCommand(AgreementId id, Long expectedVersion) {
            return new WithdrawOffer(id, party, withdrawnOn, reason, expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"GT\", \"suspendedOn\": \"2025-06-01\", \"reason\": \"flights paused pending review\"}")
    record Suspend(@NotNull CountryCode party, @NotNull LocalDate suspendedOn, @Size(max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        SuspendAgreement toCommand(AgreementId id, Long expectedVersion) {
            return new SuspendAgreement(id, party, suspendedOn, reason, expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"GT\", \"resumedOn\": \"2025-07-01\"}")
    record Resume(@NotNull CountryCode party, @NotNull LocalDate resumedOn) {
        ResumeAgreement toCommand(AgreementId id, Long expectedVersion) {
            return new ResumeAgreement(id, party, resumedOn, expectedVersion);
        }
    }

    @Schema(example = "{\"party\": \"US\", \"terminatedOn\": \"2026-01-31\", \"reason\": \"replaced by a new agreement\"}")
    record Terminate(@NotNull CountryCode party, @NotNull LocalDate terminatedOn, @Size(max = ContractLimits.MAX_REASON_LENGTH) String reason) {
        TerminateAgreement toCommand(AgreementId id, Long expectedVersion) {
            return new TerminateAgreement(id, party, terminatedOn, reason, expectedVersion);
        }
    }
}
