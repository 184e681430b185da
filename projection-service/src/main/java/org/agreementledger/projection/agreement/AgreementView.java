package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * An agreement as the projection knows it from the topic: terms with commitments, parties, status. {@code held}: one
 * of its events is parked, so the view stops before it ({@code heldReason} says which and why). {@code terms} is
 * sent as stored, never parsed: an agreement at the contract's bounds is 160 KiB of JSON but some 2 MiB as a tree, and
 * a page of 500 such trees ran the projection out of heap (docs/benchmarks.md, run X).
 */
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
        @JsonRawValue @Schema(implementation = JsonNode.class) String terms,
        String sourceReference,
        long version,
        Instant lastEventAt,
        boolean held,
        String heldReason) {

    /** Every status an agreement's view can have, as a pattern (a listing filtered by another could only be empty). */
    public static final String STATUSES = "OFFERED|IN_FORCE|SUSPENDED|REJECTED|WITHDRAWN|TERMINATED|EXPIRED";

    AgreementView heldBecause(String reason) {
        return new AgreementView(agreementId, offeringParty, parties, title, offeredOn, status, acceptedBy, inForceOn,
                endedOn, terms, sourceReference, version, lastEventAt, reason != null, reason);
    }
}
