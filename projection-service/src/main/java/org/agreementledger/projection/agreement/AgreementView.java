package org.agreementledger.projection.agreement;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** An agreement as the projection knows it from the topic. */
public record AgreementView(
        String agreementId,
        String offeringParty,
        List<String> parties,
        String title,
        LocalDate offeredOn,
        String status,
        long version,
        Instant lastEventAt) {
}
