package org.agreementledger.benchmarks;

import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.Validity;
import org.agreementledger.contract.views.CommitmentUse;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the auditor's replay pays for one agreement's country view: {@link CommitmentUse#of} over N transfers of 100
 * headcount lines, each in a month of its own under a monthly capacity (the worst case a party can record: the
 * validity may span 9,999 years). Run: {@code java -cp <benchmarks classpath> ...CommitmentUseCost 10000}.
 */
public final class CommitmentUseCost {

    private CommitmentUseCost() {
    }

    public static void main(String[] args) {
        int transfers = Integer.parseInt(args[0]);
        CountryCode sv = CountryCode.of("SV");
        AcceptPeople accept = new AcceptPeople(sv, NationalityScope.any(),
                Set.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.GANG_MEMBER), List.of(), null,
                new Capacity(1_000_000_000, Capacity.Period.MONTH), false);
        AgreementTerms terms = new AgreementTerms("worst case", List.of(accept), List.of(),
                new Validity(LocalDate.of(1, 1, 1), null));
        List<Headcount> lines = new ArrayList<>();
        for (String nationality : List.of("VE", "CO", "HN", "GT", "MX", "NI", "EC", "PE", "CU", "HT", "DO", "BR", "AR",
                "CL", "BO", "PY", "UY", "PA", "CR", "BZ", "JM", "TT", "BS", "BB", "GY")) {
            for (PersonCategory category : List.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.GANG_MEMBER)) {
                for (Sex sex : List.of(Sex.MALE, Sex.FEMALE)) {
                    lines.add(new Headcount(CountryCode.of(nationality), category, sex, AgeGroup.ADULT, 1));
                }
            }
        }
        List<Coverage.Movement> movements = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
            movements.add(new Coverage.Movement(CountryCode.of("US"), sv, LocalDate.of(1, 1, 15).plusMonths(i), lines));
        }
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            CommitmentUse use = CommitmentUse.of(terms, sv, movements).get(0);
            System.out.printf("round %d: %,d transfers in %,d months: %.1f ms (%,d people)%n", round, transfers,
                    use.usedPerPeriod().size(), (System.nanoTime() - start) / 1e6, use.personsReceived());
        }
    }
}
