package org.agreementledger.projection.consumer;

import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projection applies a poll's records together (one transaction, each statement shape sent once per round), which
 * must change nothing a reader sees: the same records applied in one batch and one by one give the same rows in every
 * view table, whatever the interleaving of agreements, redeliveries and gaps. Many rows of one insert go with COPY
 * in a batch and as INSERTs one by one, so the same rows also show that what COPY sends is what the parameters were.
 */
class ABatchIsAppliedAsItsEventsOneByOneTest extends ProjectionIntegrationTest {

    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode VE = CountryCode.of("VE");
    private static final LocalDate DAY = LocalDate.of(2025, 3, 15);
    private static final String BATCHED = "test_batched";
    private static final String ONE_BY_ONE = "test_one_by_one";
    /** COPY text format's markers and a character outside the BMP: COPY must carry them as the INSERT does. */
    private static final String AWKWARD = "\t tab \n newline \r return \\N backslash-N \\. \\ \"quoted\" ñ 𝄞";

    @Autowired
    EventApplier applier;

    @Autowired
    ViewSchemas schemas;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void dropSchemas() {
        jdbc.execute("DROP SCHEMA IF EXISTS " + BATCHED + " CASCADE");
        jdbc.execute("DROP SCHEMA IF EXISTS " + ONE_BY_ONE + " CASCADE");
    }

    @Test
    void fortyAgreementsInterleavedInOnePollGiveTheViewsTheirEventsGiveOneByOne() {
        List<ConsumerRecord<String, byte[]>> records = interleaved(40, new Random(12));
        schemas.buildIndexes(schemas.createScratchForBulkLoad(BATCHED));
        schemas.buildIndexes(schemas.createScratchForBulkLoad(ONE_BY_ONE));

        double isolatedBefore = meters.counter("projection.batches.isolated").count();
        applier.applyBatch(records, BATCHED);
        assertThat(meters.counter("projection.batches.isolated").count())
                .as("the poll went in whole, its many rows by COPY, not record by record").isEqualTo(isolatedBefore);
        records.forEach(record -> applier.applyBatch(List.of(record), ONE_BY_ONE));

        assertBothSchemasHoldTheSameRows();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + BATCHED + ".agreement_history", Long.class))
                .as("every event once, redeliveries skipped").isEqualTo(40L * 10);
        jdbc.query("SELECT kafka_offset, payload FROM " + BATCHED + ".agreement_history", (RowCallbackHandler) row ->
                assertThat(row.getString(2)).as("the event's JSON, stored as it was published")
                        .isEqualTo(new String(records.get((int) row.getLong(1)).value(), StandardCharsets.UTF_8)));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + BATCHED + ".sequence_gap", Long.class))
                .as("the event published after a gap is held back").isEqualTo(1L);
        assertThat(jdbc.queryForList("SELECT feed_id FROM " + BATCHED + ".agreement_history ORDER BY feed_id", Long.class))
                .as("the live feed numbers events in the order applied, without holes").isEqualTo(
                        jdbc.queryForList("SELECT generate_series(min(feed_id), max(feed_id)) FROM " + BATCHED
                                + ".agreement_history", Long.class));
    }

    @Test
    void aBusyAgreementsHundredsOfEventsInOnePollGiveTheViewsTheirEventsGivenOneByOne() {
        AgreementId busy = AgreementId.generate();
        AgreementId quiet = AgreementId.generate();
        List<AgreementEvent> busyLife = new ArrayList<>(lifeOfAnAgreement(busy, 1).subList(0, 1));
        for (int i = 0; i < 200; i++) {
            busyLife.add(new OfferAmended(busy, US, LocalDate.of(2025, 2, 4), new AgreementTerms("Amendment " + i,
                    List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 4), null))));
            if (i % 50 == 0) {
                busyLife.add(new AgreementAccepted(busy, SV, LocalDate.of(2025, 2, 5)));
            }
        }
        busyLife.add(new AgreementAccepted(busy, SV, LocalDate.of(2025, 2, 5)));
        busyLife.add(new AgreementEnteredIntoForce(busy, LocalDate.of(2025, 2, 5)));
        for (int i = 0; i < 100; i++) {
            busyLife.add(new TransferRecorded(busy, TransferId.generate(), US, SV, DAY, List.of(new Headcount(VE,
                    PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 1 + i)), "flight " + i));
        }
        List<AgreementEvent> quietLife = lifeOfAnAgreement(quiet, 2);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < busyLife.size(); i++) {
            records.add(record(busyLife.get(i), i, records.size()));
            if (i % 30 == 0 && i / 30 < quietLife.size()) {
                records.add(record(quietLife.get(i / 30), i / 30, records.size()));
            }
        }
        schemas.buildIndexes(schemas.createScratchForBulkLoad(BATCHED));
        schemas.buildIndexes(schemas.createScratchForBulkLoad(ONE_BY_ONE));

        applier.applyBatch(records, BATCHED);
        records.forEach(record -> applier.applyBatch(List.of(record), ONE_BY_ONE));

        assertBothSchemasHoldTheSameRows();
        assertThat(jdbc.queryForObject("SELECT version FROM " + BATCHED + ".agreement_view WHERE agreement_id = ?",
                Long.class, busy.value())).as("the version of the busy agreement's last event").isEqualTo(busyLife.size() - 1L);
        assertThat(jdbc.queryForObject("SELECT title FROM " + BATCHED + ".agreement_view WHERE agreement_id = ?",
                String.class, busy.value())).isEqualTo("Amendment 199");
    }

    private void assertBothSchemasHoldTheSameRows() {
        ViewSchemas.REPLAYED_COLUMNS.forEach((table, columns) -> {
            Long differing = jdbc.queryForObject("SELECT (SELECT count(*) FROM (SELECT " + columns + " FROM " + BATCHED
                    + "." + table + " EXCEPT ALL SELECT " + columns + " FROM " + ONE_BY_ONE + "." + table + ") a) + "
                    + "(SELECT count(*) FROM (SELECT " + columns + " FROM " + ONE_BY_ONE + "." + table + " EXCEPT ALL SELECT "
                    + columns + " FROM " + BATCHED + "." + table + ") b)", Long.class);
            assertThat(differing).as("rows of %s in only one of the two", table).isZero();
        });
    }

    /**
     * Each agreement's ten events in order, the agreements interleaved at random as partitions deliver them, with a
     * redelivery of every third agreement's offer and one event of the last agreement arriving after a gap.
     */
    private static List<ConsumerRecord<String, byte[]>> interleaved(int agreements, Random random) {
        List<List<AgreementEvent>> pending = new ArrayList<>();
        for (int i = 0; i < agreements; i++) {
            pending.add(new ArrayList<>(lifeOfAnAgreement(AgreementId.generate(), i)));
        }
        List<Integer> nextSequence = new ArrayList<>(Collections.nCopies(agreements, 0));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (pending.stream().anyMatch(events -> !events.isEmpty())) {
            int agreement = random.nextInt(agreements);
            if (pending.get(agreement).isEmpty()) {
                continue;
            }
            AgreementEvent event = pending.get(agreement).remove(0);
            int sequence = nextSequence.get(agreement);
            nextSequence.set(agreement, sequence + 1);
            records.add(record(event, sequence, records.size()));
            if (sequence == 1 && agreement % 3 == 0) {
                records.add(record(lifeOfAnAgreement(event.agreementId(), agreement).get(0), 0, records.size()));
            }
        }
        AgreementId last = AgreementId.of(records.get(records.size() - 1).key());
        records.add(record(new AgreementAccepted(last, US, DAY), 12, records.size()));
        return records;
    }

    private static List<AgreementEvent> lifeOfAnAgreement(AgreementId id, int n) {
        TransferId flight = TransferId.generate();
        TransferId cancelled = TransferId.generate();
        FeeSchedule fee = new FeeSchedule(US, SV, Money.of("20000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR);
        AgreementTerms terms = new AgreementTerms("Agreement " + n + AWKWARD, List.of(), List.of(fee),
                new Validity(LocalDate.of(2025, 2, 3), null));
        List<Headcount> people = List.of(new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 10 + n));
        return List.of(
                new AgreementOffered(id, SV, List.of(SV, US), LocalDate.of(2025, 2, 3), terms, null),
                new OfferAmended(id, US, LocalDate.of(2025, 2, 4), new AgreementTerms("Amended " + n, List.of(), List.of(fee),
                        new Validity(LocalDate.of(2025, 2, 4), null))),
                new AgreementAccepted(id, SV, LocalDate.of(2025, 2, 5)),
                new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)),
                new TransferRecorded(id, flight, US, SV, DAY, people, "flight " + n + AWKWARD),
                new TransferRecorded(id, cancelled, US, SV, DAY, people, "cancelled " + n),
                new TransferCancelled(id, cancelled, DAY, "did not fly"),
                new FeeAssessed(id, flight, US, SV, Money.of("200000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR,
                        10 + n, DAY),
                new TransferCorrected(id, flight, 4, DAY, List.of(new Headcount(VE, PersonCategory.GANG_MEMBER, Sex.MALE,
                        AgeGroup.ADULT, 9 + n)), "manifest confirmed"),
                new FeePaymentRecorded(id, PaymentId.generate(), US, SV, Money.of("1000.00", "USD"), DAY, null));
    }

    private static ConsumerRecord<String, byte[]> record(AgreementEvent event, long sequence, long offset) {
        EventEnvelope envelope = new EventEnvelope(UUID.nameUUIDFromBytes((event.agreementId().value() + sequence)
                .getBytes(StandardCharsets.UTF_8)).toString(), EventTypes.nameOf(event.getClass()), event.agreementId(),
                sequence, Instant.parse("2025-03-15T12:00:00.000000500Z").plus(offset, ChronoUnit.MILLIS),
                EventTypes.schemaVersionOf(event.getClass()), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        RecordHeaders headers = new RecordHeaders();
        envelope.toHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        byte[] value = LedgerJson.toBytes(event);
        return new ConsumerRecord<>("test-topic", 0, offset, 0L, TimestampType.CREATE_TIME, -1, value.length,
                event.agreementId().value(), value, headers, Optional.empty());
    }
}
