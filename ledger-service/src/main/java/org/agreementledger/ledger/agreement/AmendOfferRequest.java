package org.agreementledger.ledger.agreement;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.ledger.web.Iso3166Alpha2;

@Schema(description = "A counter-offer by one of the parties", example = """
        {"amendingParty": "US", "title": "Counter-offer: convicted criminals only, excluding US citizens"}""")
record AmendOfferRequest(
        @Schema(example = "US") @NotBlank @Iso3166Alpha2 String amendingParty,
        @NotBlank @Size(max = Agreement.MAX_TITLE_LENGTH) String title) {

    AmendOffer toCommand(AgreementId agreementId) {
        return new AmendOffer(agreementId, CountryCode.of(amendingParty), title);
    }
}
