package org.agreementledger.ledger.agreement;

import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger records the end of an agreement's validity as its own event, once, and only for one in force. */
class AnAgreementExpiresTest extends LedgerIntegrationTest {

    private static final String LAPSED_OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "A one-year pilot that has ended",
             "offeredOn": "2024-01-10", "validity": {"from": "2024-01-10", "until": "2024-12-31"}}""";

    @LocalServerPort
    int port;

    @Autowired
    ExpiryWatch expiryWatch;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anAgreementInForcePastItsValidityIsRecordedAsExpiredOnceAndAnOfferIsNot() {
        LedgerHttp guatemala = as(port, "GT");
        String inForce = guatemala.ok("/agreements", LAPSED_OFFER).get("agreementId").asText();
        as(port, "US").ok("/agreements/" + inForce + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2024-01-12\"}");
        String onlyOffered = guatemala.ok("/agreements", LAPSED_OFFER).get("agreementId").asText();

        // the expiry index is kept by a tracking processor, moments after the events are committed
        awaitIndexed(inForce, true);
        awaitIndexed(onlyOffered, false);
        expiryWatch.expireDueAgreements();
        expiryWatch.expireDueAgreements();

        assertThat(typesOf(inForce)).containsExactly("AgreementOffered", "AgreementAccepted", "AgreementEnteredIntoForce",
                "AgreementExpired");
        assertThat(typesOf(onlyOffered)).containsExactly("AgreementOffered");
        assertThat(jdbc.queryForObject("SELECT convert_from(payload, 'UTF8') FROM domainevententry "
                + "WHERE aggregateidentifier = ? AND sequencenumber = 3", String.class, inForce))
                .contains("\"expiredOn\":\"2024-12-31\"");
    }

    @Test
    void anAgreementWithoutAnEndIsNotWatchedButAnOfferGivenAnEndByAmendmentExpiresOnceInForce() {
        LedgerHttp guatemala = as(port, "GT");
        LedgerHttp us = as(port, "US");
        String openEnded = guatemala.ok("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "title": "Open-ended", "offeredOn": "2024-01-10"}""")
                .get("agreementId").asText();
        us.ok("/agreements/" + openEnded + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2024-01-12\"}");
        String givenAnEnd = guatemala.ok("/agreements", """
                {"offeringParty": "GT", "otherParties": ["US"], "title": "Open-ended at first", "offeredOn": "2024-01-10"}""")
                .get("agreementId").asText();
        guatemala.ok("/agreements/" + givenAnEnd + "/amendments", """
                {"party": "GT", "amendedOn": "2024-01-11", "title": "A one-year pilot after all",
                 "validity": {"from": "2024-01-10", "until": "2024-12-31"}}""");
        us.ok("/agreements/" + givenAnEnd + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2024-01-12\"}");

        // one processor, in the events' order: once the later agreement is indexed, the earlier one's events were seen
        awaitIndexed(givenAnEnd, true);
        expiryWatch.expireDueAgreements();

        assertThat(jdbc.queryForObject("SELECT count(*) FROM agreement_validity WHERE agreement_id = ?", Integer.class,
                openEnded)).as("nothing kept for an agreement that never ends").isZero();
        assertThat(typesOf(openEnded)).containsExactly("AgreementOffered", "AgreementAccepted", "AgreementEnteredIntoForce");
        assertThat(typesOf(givenAnEnd)).containsExactly("AgreementOffered", "OfferAmended", "AgreementAccepted",
                "AgreementEnteredIntoForce", "AgreementExpired");
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void anOfferWhoseIndexingFailedIsIndexedOnceTheDatabaseTakesItRatherThanSkipped() throws InterruptedException {
        double failuresBefore = failuresOfTheExpiryWatch();
        // the expiry index refuses every write for a while, as a database refusing a statement would
        jdbc.execute("ALTER TABLE agreement_validity ADD CONSTRAINT refused_for_a_while CHECK (false) NOT VALID");
        String offered;
        try {
            offered = as(port, "GT").ok("/agreements", LAPSED_OFFER).get("agreementId").asText();
            Thread.sleep(1_500);
        } finally {
            jdbc.execute("ALTER TABLE agreement_validity DROP CONSTRAINT refused_for_a_while");
        }
        awaitIndexed(offered, false);
        assertThat(failuresOfTheExpiryWatch()).as("an operator sees the processor fail").isGreaterThan(failuresBefore);
    }

    private double failuresOfTheExpiryWatch() {
        return meters.counter("ledger.processor.failures", "processor", ExpiryWatch.PROCESSING_GROUP).count();
    }

    private void awaitIndexed(String agreementId, boolean active) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Boolean> indexed = jdbc.queryForList("SELECT active FROM agreement_validity WHERE agreement_id = ?",
                    Boolean.class, agreementId);
            if (indexed.equals(List.of(active))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the expiry index never held " + agreementId + " as active=" + active);
    }

    private List<String> typesOf(String agreementId) {
        return jdbc.queryForList("SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber",
                String.class, agreementId).stream().map(type -> type.substring(type.lastIndexOf('.') + 1)).toList();
    }
}
