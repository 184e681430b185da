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
        String json = new String(LedgerJson.toBytes(new FeePaymentRecorded(AgreementId.random(), PaymentId.random(),
                CountryCode.of("US"), CountryCode.of("SV"), Money.of("6000000.00", "USD"), LocalDate.of(2025, 3, 20), null)));
        assertThat(json).contains("\"amount\":{\"amount\":\"6000000.00\",\"currency\":\"USD\"}");
    }

    @Test
    void everyEventSurvivesTheRoundTripThroughItsJsonForm() {
        AgreementId id = AgreementId.random();
        CountryCode sv = CountryCode.of("SV");
        CountryCode us = CountryCode.of("US");
        AgreementTerms terms = new AgreementTerms("CECOT", List.of(
                new Commitment.AcceptPeople(sv, NationalityScope.any(), Set.of(PersonCategory.CONVICTED_CRIMINAL),
                        List.of(us), "CECOT", new Capacity(40000, Capacity.Period.AGREEMENT), false),
                new Commitment.RaiseVolume(sv, Commitment.RaiseVolume.VolumeMetric.DEPORTATION_FLIGHTS_PER_MONTH, null,
                        new java.math.BigDecimal("40")),
                new Commitment.PayCosts(us, sv, Commitment.PayCosts.Purpose.FEES, null),
                new Commitment.ProvideAssistance(us, sv, "ports")),
                List.of(new FeeSchedule(us, sv, Money.of("20000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR)),
                new Validity(LocalDate.of(2025, 2, 3), null));
        AgreementEvent offered = new AgreementOffered(id, sv, List.of(sv, us), LocalDate.of(2025, 2, 3), terms, "ref");
        AgreementEvent read = LedgerJson.read("AgreementOffered", LedgerJson.toBytes(offered));
        assertThat(read).isEqualTo(offered);
        assertThat(new String(LedgerJson.toBytes(offered))).contains("\"type\":\"accept-people\"");
    }

    @Test
    void everyEventTypeHasAStableName() {
        assertThat(EventTypes.classOf("TransferRecorded")).contains(TransferRecorded.class);
        assertThat(EventTypes.classOf("NoSuchEvent")).isEmpty();
        assertThat(AgreementEvent.class.getPermittedSubclasses()).hasSize(16);
    }
}
