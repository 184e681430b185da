package org.agreementledger.projection.country;

import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.Commitment.RaiseVolume;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.contract.views.CommitmentUse;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A country's view no longer recounts every transfer when it is read: each transfer's share of its receiver's
 * commitments is added when it is recorded and taken back when it is corrected or cancelled. Whatever the order and
 * batching of those events, the use must be what counting all current transfers from scratch gives.
 */
class CommitmentUseIsCountedAsTransfersChangeTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode VE = CountryCode.of("VE");
    private static final CountryCode HN = CountryCode.of("HN");
    private static final LocalDate FEB_3 = LocalDate.of(2025, 2, 3);
    private static final TypeReference<List<Headcount>> HEADCOUNTS = new TypeReference<>() {
    };

    @Autowired
    CountryCommitmentsView view;
    @Autowired
    CommitmentUseProjector projector;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void aCountrysUseOfItsCommitmentsIsWhatItsCurrentTransfersAddUpToAfterRecordsCorrectionsAndCancellations()
            throws Exception {
        AgreementId id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Guatemala: three overlapping commitments and more flights", List.of(
                new AcceptPeople(GT, NationalityScope.listed(List.of(VE)),
                        Set.of(PersonCategory.CONVICTED_CRIMINAL, PersonCategory.GANG_MEMBER), List.of(), null,
                        new Capacity(300, Capacity.Period.MONTH), false),
                new RaiseVolume(GT, RaiseVolume.VolumeMetric.DEPORTATION_FLIGHTS_PER_MONTH, BigDecimal.TEN,
                        BigDecimal.valueOf(40)),
                new AcceptPeople(GT, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT,
                        PersonCategory.CONVICTED_CRIMINAL), List.of(), null, new Capacity(5_000, Capacity.Period.YEAR), false),
                new AcceptPeople(GT, NationalityScope.any(), Set.of(PersonCategory.values()), List.of(), null, null, false)),
                List.of(), new Validity(FEB_3, null));
        long sequence = 0;
        records.publish(new AgreementOffered(id, GT, List.of(GT, US), FEB_3, terms, null), sequence++);
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), sequence++);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)), sequence++);

        Random random = new Random(20250203);
        List<TransferId> live = new ArrayList<>();
        for (int step = 0; step < 120; step++) {
            int choice = random.nextInt(10);
            if (live.isEmpty() || choice < 5) {
                TransferId transfer = TransferId.generate();
                records.publish(new TransferRecorded(id, transfer, US, GT,
                        LocalDate.of(2025, 2 + random.nextInt(5), 1 + random.nextInt(28)), headcounts(random), null),
                        sequence++);
                live.add(transfer);
            } else if (choice < 8) {
                TransferId transfer = live.get(random.nextInt(live.size()));
                records.publish(new TransferCorrected(id, transfer, 3, LocalDate.of(2025, 7, 1), headcounts(random),
                        "manifest recount"), sequence++);
            } else {
                TransferId transfer = live.remove(random.nextInt(live.size()));
                records.publish(new TransferCancelled(id, transfer, LocalDate.of(2025, 7, 2), "aircraft"), sequence++);
            }
            if (step % 17 == 0) {
                // let some events arrive in batches of their own
                Thread.sleep(150);
            }
        }
        awaitApplied(jdbc, id, sequence - 1);

        Map<Integer, String> expected = fromScratch(id, terms);
        assertThat(shown(id)).isEqualTo(expected);
        assertThat(view.now("GT").volumes()).filteredOn(volume -> volume.agreementId().equals(id.value()))
                .singleElement().satisfies(volume -> assertThat(volume.recordedPerMonth()).isEqualTo(monthsFromScratch(id)));

        List<Map<String, Object>> kept = jdbc.queryForList("SELECT * FROM views.commitment_use WHERE agreement_id = ? "
                + "ORDER BY commitment, period", id.value());
        transaction.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM views.commitment_use WHERE agreement_id = ?", id.value());
            jdbc.update("DELETE FROM views.transfer_coverage WHERE agreement_id = ?", id.value());
            jdbc.execute("SET LOCAL search_path TO views, public");
            projector.recountAll(jdbc);
        });
        assertThat(jdbc.queryForList("SELECT * FROM views.commitment_use WHERE agreement_id = ? ORDER BY commitment, period",
                id.value())).as("what a migration counts from the transfers alone").isEqualTo(kept);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM public.flyway_schema_history WHERE version = '8' AND success",
                Integer.class)).as("the migration that counts views kept before this one ran").isOne();
    }

    /** Every accept commitment's use as the view shows it: commitment → "received; period=used, ...". */
    private Map<Integer, String> shown(AgreementId id) {
        Map<Integer, String> shown = new TreeMap<>();
        view.now("GT").accepts().stream().filter(accept -> accept.agreementId().equals(id.value())).forEach(accept -> {
            Map<String, Long> used = new TreeMap<>();
            if (accept.capacity() != null) {
                // the view also shows the current period, which this scenario's transfers of 2025 never reach
                String now = new Capacity(1, Capacity.Period.valueOf(accept.capacity().period())).periodOf(LocalDate.now());
                accept.capacity().use().stream().filter(use -> !use.period().equals(now))
                        .forEach(use -> used.put(use.period(), use.used()));
            }
            shown.put(accept.commitment(), accept.personsReceived() + "; " + used);
        });
        return shown;
    }

    /** The same, counted the way the view counted before it kept counts: every current transfer, with the contract. */
    private Map<Integer, String> fromScratch(AgreementId id, AgreementTerms terms) {
        List<Coverage.Movement> movements = jdbc.query("SELECT from_country, to_country, transfer_date, headcounts "
                        + "FROM views.transfer_view WHERE agreement_id = ? AND status <> 'CANCELLED'",
                (rs, row) -> new Coverage.Movement(CountryCode.of(rs.getString(1)), CountryCode.of(rs.getString(2)),
                        rs.getObject(3, LocalDate.class), Json.read(rs.getString(4), HEADCOUNTS)), id.value());
        Map<Integer, String> expected = new TreeMap<>();
        for (CommitmentUse use : CommitmentUse.of(terms, GT, movements)) {
            expected.put(use.commitment(), use.personsReceived() + "; " + use.usedPerPeriod());
        }
        assertThat(expected).as("the scenario uses every commitment").hasSize(3);
        return expected;
    }

    private Map<String, Long> monthsFromScratch(AgreementId id) {
        Map<String, Long> months = new LinkedHashMap<>();
        jdbc.query("SELECT to_char(transfer_date, 'YYYY-MM'), count(*) FROM views.transfer_view WHERE agreement_id = ? "
                + "AND status <> 'CANCELLED' GROUP BY 1 ORDER BY 1", rs -> {
                    months.put(rs.getString(1), rs.getLong(2));
                }, id.value());
        return months;
    }

    private static List<Headcount> headcounts(Random random) {
        List<Headcount> headcounts = new ArrayList<>();
        CountryCode[] nationalities = {VE, HN};
        for (CountryCode nationality : nationalities) {
            for (PersonCategory category : PersonCategory.values()) {
                if (random.nextInt(3) == 0) {
                    headcounts.add(new Headcount(nationality, category, Sex.MALE, AgeGroup.NOT_RECORDED,
                            1 + random.nextInt(40)));
                }
            }
        }
        return headcounts.isEmpty()
                ? List.of(new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.FEMALE, AgeGroup.NOT_RECORDED, 7))
                : headcounts;
    }
}
