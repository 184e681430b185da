package org.agreementledger.ledger.agreement;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.ledger.web.Iso3166Alpha2;

import java.time.LocalDate;
import java.util.List;

@Schema(description = "An offer of an agreement, as made by the offering party", example = """
        {"offeringParty": "SV", "otherParties": ["US"],
         "title": "El Salvador offers to accept deportees of any nationality into CECOT for a fee",
         "offeredOn": "2025-02-03"}""")
record OfferAgreementRequest(
        @Schema(description = "ISO 3166-1 alpha-2 code of the party making the offer", example = "SV")
        @NotBlank @Iso3166Alpha2 String offeringParty,
        @Schema(description = "ISO 3166-1 alpha-2 codes of the other parties", example = "[\"US\"]")
        @NotEmpty List<@NotBlank @Iso3166Alpha2 String> otherParties,
        @Schema(example = "El Salvador offers to accept deportees of any nationality into CECOT for a fee")
        @NotBlank @Size(max = Agreement.MAX_TITLE_LENGTH) String title,
        @Schema(description = "The day the offer was made", example = "2025-02-03")
        @NotNull LocalDate offeredOn) {

    OfferAgreement toCommand(AgreementId agreementId) {
        return new OfferAgreement(agreementId, CountryCode.of(offeringParty),
                otherParties.stream().map(CountryCode::of).toList(), title, offeredOn);
    }
}
