package org.agreementledger.ledger.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.agreementledger.ledger.audit.LoggedEvent;

import java.util.List;

/**
 * What every accepted command answers: the agreement, its new version (also the ETag), any id it created, and the
 * receipt of each event it appended: its sequence, hash and index in the transparency log (docs/audit.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResponse(String agreementId, long version, String transferId, String paymentId,
                              List<LoggedEvent> events) {

    public static CommandResponse of(String agreementId, long version) {
        return new CommandResponse(agreementId, version, null, null, null);
    }

    CommandResponse withEvents(List<LoggedEvent> appended) {
        return new CommandResponse(agreementId, version, transferId, paymentId, List.copyOf(appended));
    }
}
