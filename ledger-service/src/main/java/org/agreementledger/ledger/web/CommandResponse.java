package org.agreementledger.ledger.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What every accepted command answers: the agreement, its new version (also the ETag) and any id it created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResponse(String agreementId, long version, String transferId, String paymentId) {

    public static CommandResponse of(String agreementId, long version) {
        return new CommandResponse(agreementId, version, null, null);
    }
}
