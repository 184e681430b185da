package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** An agreement as the projection knows it from the topic: terms with commitments, parties, status. */
public record AgreementView(
        String agreementId,
        String offeringParty,
        List<String> parties,
        String title,
        LocalDate offeredOn,
        String status,
        List<String> acceptedBy,
        LocalDate inForceOn,
        LocalDate endedOn,
        JsonNode terms,
        String sourceReference,
        long version,
        Instant lastEventAt) {
}
