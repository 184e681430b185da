package org.agreementledger.contract;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueObjectsTest {

    @Test
    void unknownCountryCodesAreRefused() {
        assertThat(CountryCode.of("SV").value()).isEqualTo("SV");
        assertThatThrownBy(() -> CountryCode.of("XX")).hasMessageContaining("ISO 3166-1");
        assertThatThrownBy(() -> CountryCode.of("us")).hasMessageContaining("ISO 3166-1");
    }

    @Test
    void aLongListOfNationalitiesReadFromJsonCostsAReferencePerEntryNotAnObject() throws Exception {
        NationalityScope scope = LedgerJson.mapper().readValue(
                "{\"kind\": \"LISTED\", \"nationalities\": [\"VE\", \"HN\"]}", NationalityScope.class);
        // an offer at the bounds lists 25,000 nationalities: every reader shares one instance per code
        assertThat(scope.nationalities().get(0)).isSameAs(CountryCode.of("VE"));
        assertThat(LedgerJson.mapper().readValue("\"VE\"", CountryCode.class)).isSameAs(CountryCode.of("VE"));
    }

    @Test
    void anAmountIsReadOnlyInTheFormTheApiDocumentStatesNotInEveryFormJavaWouldRead() {
        for (String amount : List.of("1E+2", "1e2", "+5", ".5", "100.", "١٠٠", "1٠0", "0x10", " 100", "100 ", "1_000",
                "1,000.00", "--1", "-", "", "1.2.3", "NaN", "Infinity")) {
            assertThatThrownBy(() -> Money.of(amount, "USD")).as(amount).hasMessageContaining("not a decimal amount");
        }
        assertThat(Money.of("-0.50", "USD").amount().toPlainString()).isEqualTo("-0.50");
        assertThat(Money.of("007", "USD").amount().toPlainString()).isEqualTo("7.00");

        java.util.regex.Pattern documented = java.util.regex.Pattern.compile(Money.AMOUNT_PATTERN);
        java.util.Random random = new java.util.Random(12);
        String alphabet = "0123456789.-+eE ١";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(7); length > 0; length--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(Money.isAmountText(text.toString())).as("'%s'", text)
                    .isEqualTo(documented.matcher(text).matches());
        }
    }

    @Test
    void moneyIsExactAtTheCurrencysMinorUnitAndNeverFloatingPoint() {
        assertThat(Money.of("20000", "USD").amount().toPlainString()).isEqualTo("20000.00");
        assertThat(Money.of("500", "JPY").amount().toPlainString()).isEqualTo("500");
        assertThat(Money.of("0.10", "USD").plus(Money.of("0.20", "USD"))).isEqualTo(Money.of("0.30", "USD"));
        assertThatThrownBy(() -> Money.of("0.001", "USD")).hasMessageContaining("minor units");
        assertThatThrownBy(() -> Money.of("1.5", "JPY")).hasMessageContaining("minor units");
        assertThatThrownBy(() -> Money.of("1", "ZZZ")).hasMessageContaining("ISO 4217");
        assertThatThrownBy(() -> Money.of("1", "USD").plus(Money.of("1", "EUR"))).hasMessageContaining("cannot combine");
    }

    @Test
    void moneyTravelsAsADecimalString() {
        String json = new String(LedgerJson.toBytes(new FeePaymentRecorded(AgreementId.generate(), PaymentId.generate(),
                CountryCode.of("US"), CountryCode.of("SV"), Money.of("6000000.00", "USD"), LocalDate.of(2025, 3, 20), null)));
        assertThat(json).contains("\"amount\":{\"amount\":\"6000000.00\",\"currency\":\"USD\"}");
    }

    @Test
    void everyEventTypeSurvivesTheRoundTripThroughItsJsonForm() {
        AgreementId id = AgreementId.generate();
        TransferId flight = TransferId.generate();
        CountryCode sv = CountryCode.of("SV");
        CountryCode us = CountryCode.of("US");
        LocalDate day = LocalDate.of(2025, 2, 3);
        AgreementTerms terms = new AgreementTerms("CECOT", List.of(
                new Commitment.AcceptPeople(sv, NationalityScope.any(), Set.of(PersonCategory.CONVICTED_CRIMINAL),
                        List.of(us), "CECOT", new Capacity(40000, Capacity.Period.AGREEMENT), false),
                new Commitment.RaiseVolume(sv, Commitment.RaiseVolume.VolumeMetric.DEPORTATION_FLIGHTS_PER_MONTH, null,
                        new java.math.BigDecimal("40")),
                new Commitment.PayCosts(us, sv, Commitment.PayCosts.Purpose.FEES, null),
                new Commitment.ProvideAssistance(us, sv, "ports")),
                List.of(new FeeSchedule(us, sv, Money.of("20000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR)),
                new Validity(day, null));
        List<Headcount> counts = List.of(new Headcount(CountryCode.of("VE"), PersonCategory.GANG_MEMBER, Sex.MALE,
                AgeGroup.ADULT, 238));
        List<AgreementEvent> oneOfEach = List.of(
                new AgreementOffered(id, sv, List.of(sv, us), day, terms, "ref"),
                new OfferAmended(id, us, day, terms),
                new AgreementAccepted(id, us, day),
                new AgreementEnteredIntoForce(id, day),
                new AgreementRejected(id, us, day, "no"),
                new OfferWithdrawn(id, sv, day, "superseded"),
                new AgreementSuspended(id, us, day, "review"),
                new AgreementResumed(id, us, day),
                new AgreementTerminated(id, us, day, "replaced"),
                new AgreementExpired(id, day),
                new TransferRecorded(id, flight, us, sv, day, counts, "flight"),
                new TransferCompleted(id, flight, day),
                new TransferCancelled(id, flight, day, "aircraft"),
                new TransferCorrected(id, flight, 10, day, counts, "recount"),
                new FeeAssessed(id, flight, us, sv, Money.of("4760000.00", "USD"), FeeSchedule.Basis.PER_PERSON, 238, day),
                new FeePaymentRecorded(id, PaymentId.generate(), us, sv, Money.of("6000000.00", "USD"), day, "first"));

        assertThat(oneOfEach.stream().map(Object::getClass).distinct())
                .as("a sample of every event type").hasSize(AgreementEvent.class.getPermittedSubclasses().length);
        for (AgreementEvent event : oneOfEach) {
            AgreementEvent read = LedgerJson.read(EventTypes.nameOf(event.getClass()), LedgerJson.toBytes(event));
            assertThat(read).as(event.getClass().getSimpleName()).isEqualTo(event);
        }
    }

    @Test
    void everyEventTypeHasAStableName() {
        assertThat(EventTypes.classOf("TransferRecorded")).contains(TransferRecorded.class);
        assertThat(EventTypes.classOf("NoSuchEvent")).isEmpty();
        assertThat(AgreementEvent.class.getPermittedSubclasses()).hasSize(16);
    }
}
