package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Validity;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/** The real agreements of February 2025, as terms and events for the rule tests. */
public final class Treaties {

    public static final AgreementId ID = AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01");
    public static final CountryCode SV = CountryCode.of("SV");
    public static final CountryCode US = CountryCode.of("US");
    public static final CountryCode GT = CountryCode.of("GT");
    public static final CountryCode PA = CountryCode.of("PA");
    public static final CountryCode CO = CountryCode.of("CO");
    public static final CountryCode VE = CountryCode.of("VE");
    public static final CountryCode MX = CountryCode.of("MX");
    public static final LocalDate FEB_3 = LocalDate.of(2025, 2, 3);
    public static final LocalDate FEB_5 = LocalDate.of(2025, 2, 5);
    public static final LocalDate MAR_15 = LocalDate.of(2025, 3, 15);
    /** "Today" for the rules: mid-March 2025, inside every validity below. */
    public static final Clock MARCH_2025 = Clock.fixed(MAR_15.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    public static final Money CECOT_FEE = Money.of("20000.00", "USD");

    private Treaties() {
    }

    /** El Salvador's offer, exactly as made: any nationality, convicted criminals only, CECOT, for a fee, US citizens too. */
    public static AgreementTerms elSalvadorOffer() {
        return new AgreementTerms("El Salvador offers to take deportees of any nationality into CECOT, for a fee",
                List.of(
                        new Commitment.AcceptPeople(SV, NationalityScope.any(),
                                Set.of(PersonCategory.CONVICTED_CRIMINAL, PersonCategory.GANG_MEMBER), List.of(US),
                                "CECOT", null, false),
                        new Commitment.AcceptPeople(SV, NationalityScope.listed(List.of(US)),
                                Set.of(PersonCategory.CONVICTED_CRIMINAL), List.of(US), "CECOT", null, false),
                        new Commitment.PayCosts(US, SV, Commitment.PayCosts.Purpose.FEES, "relatively low for the U.S.")),
                List.of(new FeeSchedule(US, SV, CECOT_FEE, FeeSchedule.Basis.PER_PERSON_PER_YEAR)),
                new Validity(FEB_3, LocalDate.of(2026, 2, 3)));
    }

    /** Guatemala as a safe third country: own and other nationals pending onward return, +40 % flights. */
    public static AgreementTerms guatemalaSafeThirdCountry(Capacity capacity) {
        return new AgreementTerms("Guatemala safe third country",
                List.of(
                        new Commitment.AcceptPeople(GT, NationalityScope.any(),
                                Set.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.ASYLUM_SEEKER), List.of(US),
                                null, capacity, true),
                        new Commitment.RaiseVolume(GT, Commitment.RaiseVolume.VolumeMetric.DEPORTATION_FLIGHTS_PER_MONTH,
                                null, new BigDecimal("40")),
                        new Commitment.PayCosts(US, GT, Commitment.PayCosts.Purpose.ONWARD_RETURN_COSTS, null),
                        new Commitment.ProvideAssistance(US, GT, "ports, border security and infrastructure")),
                List.of(), new Validity(FEB_5, null));
    }

    public static AgreementOffered offered(CountryCode by, List<CountryCode> parties, AgreementTerms terms) {
        return new AgreementOffered(ID, by, parties, FEB_3, terms, "public reporting, Feb 2025");
    }

    /** El Salvador's offer accepted by the United States and in force: events 0, 1, 2. */
    public static Object[] elSalvadorInForce() {
        return new Object[]{offered(SV, List.of(SV, US), elSalvadorOffer()),
                new AgreementAccepted(ID, US, FEB_5), new AgreementEnteredIntoForce(ID, FEB_5)};
    }
}
