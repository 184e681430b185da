package org.agreementledger.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The offer every phase makes, and the event the raw baselines store for it: the JSON of the
 * AgreementOffered event the ledger records for this offer (about 300 bytes), so all three paths move
 * a comparable payload. Written out rather than built from the contract's records, so that the
 * benchmark keeps compiling while the event's Java shape evolves.
 */
final class SampleEvent {

    static final String TITLE = "El Salvador offers to accept deportees of any nationality into CECOT for a fee";
    private static final String OFFERED_ON = "2025-02-03";

    private SampleEvent() {
    }

    /** Body of {@code POST /agreements}: the four required fields. */
    static String offerRequest() {
        return offerRequest("SV", "US");
    }

    /** The same offer between two other countries (the latency phase's timed offers, told apart from its load's). */
    static String offerRequest(String offeringParty, String otherParty) {
        return "{\"offeringParty\":\"" + offeringParty + "\",\"otherParties\":[\"" + otherParty + "\"],\"title\":\""
                + TITLE + "\",\"offeredOn\":\"" + OFFERED_ON + "\"}";
    }

    /** Body of {@code POST /agreements/{id}/amendments}: a counter-offer by the United States. */
    static String amendmentRequest() {
        return "{\"party\":\"US\",\"amendedOn\":\"2025-02-04\","
                + "\"title\":\"Counter-offer: convicted criminals only, excluding US citizens\","
                + "\"validity\":{\"from\":\"2025-02-04\"}}";
    }

    /** The AgreementOffered event as the ledger records it for {@link #offerRequest()}. */
    static String offeredEventJson(String agreementId) {
        return "{\"agreementId\":\"" + agreementId + "\",\"offeringParty\":\"SV\",\"parties\":[\"SV\",\"US\"],"
                + "\"offeredOn\":\"" + OFFERED_ON + "\",\"terms\":{\"title\":\"" + TITLE + "\",\"commitments\":[],"
                + "\"feeSchedules\":[],\"validity\":{\"from\":\"" + OFFERED_ON + "\"}}}";
    }

    static byte[] offeredEvent(String agreementId) {
        return offeredEventJson(agreementId).getBytes(StandardCharsets.UTF_8);
    }
}
