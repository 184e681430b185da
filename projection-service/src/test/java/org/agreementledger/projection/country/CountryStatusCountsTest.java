package org.agreementledger.projection.country;

import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A country's view no longer counts every agreement it is party to when it is read: each offer and change of status
 * moves one agreement between the counts of its parties. Whatever the order and batching of those events, the counts
 * must be what counting the agreements' current statuses gives.
 */
class CountryStatusCountsTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode BT = CountryCode.of("BT");
    private static final CountryCode MN = CountryCode.of("MN");
    private static final CountryCode LA = CountryCode.of("LA");
    private static final LocalDate DAY = LocalDate.of(2025, 4, 1);

    @Autowired
    CountryCommitmentsView view;
    @Autowired
    JdbcTemplate jdbc;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void aCountrysAgreementsPerStatusAreWhatTheirCurrentStatusesCountWhateverTheBatchingOfTheirChanges() throws Exception {
        Random random = new Random(20250401);
        List<Lifecycle> agreements = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            CountryCode other = random.nextBoolean() ? MN : LA;
            agreements.add(new Lifecycle(AgreementId.generate(), List.of(BT, other)));
        }
        // the agreements' events interleaved at random, some bursts applied in one batch and some one by one
        for (int step = 0; step < 100; step++) {
            agreements.get(random.nextInt(agreements.size())).next(random);
            if (random.nextInt(25) == 0) {
                Thread.sleep(150);
            }
        }
        for (Lifecycle agreement : agreements) {
            if (agreement.sequence > 0) {
                awaitApplied(jdbc, agreement.id, agreement.sequence - 1);
            }
        }

        for (String country : List.of("BT", "MN", "LA")) {
            assertThat(view.now(country).agreementsByStatus()).as(country).isEqualTo(fromScratch(country));
        }
        assertThat(fromScratch("BT")).as("the scenario reaches every status").containsOnlyKeys("OFFERED", "IN_FORCE",
                "REJECTED", "WITHDRAWN", "SUSPENDED", "TERMINATED", "EXPIRED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM views.agreement_view WHERE status_before_batch IS NOT NULL",
                Integer.class)).as("no status left behind by a batch").isZero();
    }

    /** The counts as the view computed them before it kept them: every agreement the country is party to. */
    private Map<String, Long> fromScratch(String country) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.query("SELECT status, count(*) FROM views.agreement_view WHERE parties @> ?::jsonb GROUP BY status",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                }, "[\"" + country + "\"]");
        return counts;
    }

    /** One agreement moved along the lifecycle the ledger allows, one event at a time. */
    private static final class Lifecycle {
        private final AgreementId id;
        private final List<CountryCode> parties;
        private String status;
        private long sequence;

        Lifecycle(AgreementId id, List<CountryCode> parties) {
            this.id = id;
            this.parties = parties;
        }

        void next(Random random) {
            CountryCode party = parties.get(random.nextInt(parties.size()));
            if (status == null) {
                publish(new AgreementOffered(id, parties.get(0), parties, DAY, new AgreementTerms("Lifecycle " + id,
                        List.of(), List.of(), new Validity(DAY, null)), null), "OFFERED");
                return;
            }
            int choice = random.nextInt(10);
            switch (status) {
                case "OFFERED" -> {
                    if (choice < 6) {
                        publish(new AgreementAccepted(id, parties.get(1), DAY), "OFFERED");
                        publish(new AgreementEnteredIntoForce(id, DAY), "IN_FORCE");
                    } else if (choice < 8) {
                        publish(new AgreementRejected(id, parties.get(1), DAY, "no"), "REJECTED");
                    } else {
                        publish(new OfferWithdrawn(id, parties.get(0), DAY, "withdrawn"), "WITHDRAWN");
                    }
                }
                case "IN_FORCE" -> {
                    if (choice < 6) {
                        publish(new AgreementSuspended(id, party, DAY, "review"), "SUSPENDED");
                    } else if (choice < 8) {
                        publish(new AgreementTerminated(id, party, DAY, "ended"), "TERMINATED");
                    } else {
                        publish(new AgreementExpired(id, DAY), "EXPIRED");
                    }
                }
                case "SUSPENDED" -> {
                    if (choice < 6) {
                        publish(new AgreementResumed(id, party, DAY), "IN_FORCE");
                    } else if (choice < 8) {
                        publish(new AgreementTerminated(id, party, DAY, "ended"), "TERMINATED");
                    } else {
                        publish(new AgreementExpired(id, DAY), "EXPIRED");
                    }
                }
                default -> {
                    // ended: nothing follows
                }
            }
        }

        private void publish(AgreementEvent event, String after) {
            records.publish(event, sequence++);
            status = after;
        }
    }
}
