package org.agreementledger.projection.country;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Everything one country has committed to, and how much of it is used: what it accepts and from whom, capacity
 * used per period, volume commitments against what was recorded, what it must pay and what it is owed.
 */
public record CountryCommitments(
        String country,
        Map<String, Long> agreementsByStatus,
        List<Acceptance> accepts,
        List<Volume> volumes,
        List<Obligation> otherCommitments,
        List<Balance> pays,
        List<Balance> isOwed) {

    /**
     * One accept-people commitment under one agreement ({@code commitment}: its position in the terms), with its use
     * so far: each person counts for the first of the country's commitments in the agreement that takes them.
     */
    public record Acceptance(String agreementId, String agreementTitle, String agreementStatus, int commitment,
                             JsonNode nationalities, List<String> categories, List<String> fromParties,
                             String facility, boolean pendingOnwardReturn, Capacity capacity,
                             long personsReceived) {
    }

    /** Capacity per period: used and remaining in each period that saw transfers to the country, and in the current one. */
    public record Capacity(int persons, String period, List<PeriodUse> use) {
    }

    public record PeriodUse(String period, long used, long remaining) {
    }

    /** A volume commitment (e.g. deportation flights per month, +40 %) against the transfers recorded. */
    public record Volume(String agreementId, String metric, BigDecimal baseline, BigDecimal increasePercent,
                         BigDecimal target, Map<String, Long> recordedPerMonth) {
    }

    /** A pay or assist commitment, as written. */
    public record Obligation(String agreementId, String type, JsonNode terms) {
    }

    /** Fees between this country and another, per currency, as exact decimal strings. */
    public record Balance(String agreementId, String counterparty, String currency, String assessed, String paid,
                          String outstanding) {
    }
}
