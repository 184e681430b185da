package org.agreementledger.ledger.fee;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.ledger.web.AgreementCommands;
import org.agreementledger.ledger.web.CanonicalUuid;
import org.agreementledger.ledger.web.CommandResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.LocalDate;

import static org.agreementledger.ledger.web.AgreementCommands.expectedVersion;

@RestController
@RequestMapping(path = "/agreements/{agreementId}/fee-payments", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Fees", description = "Fee payments; assessments arise from completed transfers and lump sums")
class FeePaymentController {

    private final AgreementCommands commands;

    FeePaymentController(AgreementCommands commands) {
        this.commands = commands;
    }

    @Schema(example = """
            {"payer": "US", "payee": "SV", "amount": {"amount": "6000000.00", "currency": "USD"},
             "paidOn": "2025-03-20", "reference": "first instalment"}""")
    record RecordPayment(@Schema(description = "A UUID in lower case; generated when absent") @CanonicalUuid PaymentId paymentId,
                         @NotNull CountryCode payer, @NotNull CountryCode payee, @NotNull Money amount,
                         @NotNull LocalDate paidOn, @Size(max = ContractLimits.MAX_REFERENCE_LENGTH) String reference) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "recordFeePayment", summary = "Record a fee payment", description = "Records FeePaymentRecorded. The currency must be that of a fee "
            + "schedule from the payer to the payee. Paying more than is outstanding is recorded in full; the excess is a credit.")
    @ApiResponse(responseCode = "201", description = "Payment recorded")
    @ApiResponse(responseCode = "422", description = "currency-mismatch, no-fee-schedule, non-positive-amount, not-a-party",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<CommandResponse> record(@PathVariable String agreementId, @Valid @RequestBody RecordPayment request,
                                           @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        AgreementId id = AgreementId.of(agreementId);
        PaymentId paymentId = request.paymentId() != null ? request.paymentId() : PaymentId.generate();
        var command = new FeeCommands.RecordFeePayment(id, paymentId, request.payer(), request.payee(), request.amount(),
                request.paidOn(), request.reference(), expectedVersion(ifMatch));
        var location = ServletUriComponentsBuilder.fromCurrentRequestUri()
                .path("/{paymentId}").buildAndExpand(paymentId.value()).toUri();
        return commands.create(id, command, location, null, paymentId.value());
    }
}
