package org.agreementledger.contract.views;

import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Coverage;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.Validity;
import org.junit.jupiter.api.RepeatedTest;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A country view's use of each commitment is, for every period, the people of the transfers to the receiver that the
 * commitment is the first to take: checked against that definition, applied literally (period by period, transfer by
 * transfer), on random terms and transfers.
 */
class CommitmentUseTest {

    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode GT = CountryCode.of("GT");
    private static final List<CountryCode> SENDERS = List.of(CountryCode.of("US"), CountryCode.of("MX"));
    private static final List<CountryCode> NATIONALITIES =
            List.of(CountryCode.of("VE"), CountryCode.of("HN"), CountryCode.of("CO"), SV);

    private static int seed = 0;

    @RepeatedTest(40)
    void everyCommitmentCountsThePeopleItIsTheFirstToTakeInEachPeriodItSawATransfer() {
        Random random = new Random(++seed);
        List<Commitment> commitments = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            commitments.add(randomAccept(random, random.nextBoolean() ? SV : GT));
        }
        AgreementTerms terms = new AgreementTerms("random", commitments, List.of(),
                new Validity(LocalDate.of(2020, 1, 1), null));
        List<Coverage.Movement> movements = new ArrayList<>();
        for (int i = 0, n = random.nextInt(60); i < n; i++) {
            movements.add(new Coverage.Movement(SENDERS.get(random.nextInt(2)), random.nextBoolean() ? SV : GT,
                    LocalDate.of(2020, 1, 1).plusDays(random.nextInt(1500)), randomHeadcounts(random)));
        }

        for (CountryCode receiver : List.of(SV, GT)) {
            List<AcceptPeople> accepts = commitments.stream().filter(c -> c.party().equals(receiver))
                    .map(AcceptPeople.class::cast).toList();
            List<CommitmentUse> uses = CommitmentUse.of(terms, receiver, movements);
            assertThat(uses).hasSize(accepts.size());
            for (int c = 0; c < accepts.size(); c++) {
                assertThat(uses.get(c).terms()).isEqualTo(accepts.get(c));
                assertThat(uses.get(c).commitment()).isEqualTo(commitments.indexOf(accepts.get(c)));
                Capacity capacity = accepts.get(c).capacity();
                SortedMap<String, Long> expected = new TreeMap<>();
                for (Coverage.Movement movement : movements) {
                    if (movement.to().equals(receiver) && capacity != null) {
                        String period = capacity.periodOf(movement.date());
                        expected.put(period, literally(accepts, c, receiver, period, movements));
                    }
                }
                long received = capacity == null ? literally(accepts, c, receiver, null, movements)
                        : expected.values().stream().mapToLong(Long::longValue).sum();
                assertThat(uses.get(c).usedPerPeriod()).isEqualTo(expected);
                assertThat(uses.get(c).personsReceived()).isEqualTo(received);
            }
        }
    }

    /** The definition: each headcount of a transfer to the receiver in the period, if this commitment is the first to take it. */
    private static long literally(List<AcceptPeople> accepts, int commitment, CountryCode receiver, String period,
                                  List<Coverage.Movement> movements) {
        Capacity capacity = accepts.get(commitment).capacity();
        long people = 0;
        for (Coverage.Movement movement : movements) {
            if (!movement.to().equals(receiver) || period != null && !capacity.periodOf(movement.date()).equals(period)) {
                continue;
            }
            for (Headcount headcount : movement.headcounts()) {
                int first = -1;
                for (int c = 0; c < accepts.size() && first < 0; c++) {
                    first = accepts.get(c).covers(headcount, movement.from()) ? c : -1;
                }
                people += first == commitment ? headcount.count() : 0;
            }
        }
        return people;
    }

    private static AcceptPeople randomAccept(Random random, CountryCode party) {
        NationalityScope scope = switch (random.nextInt(3)) {
            case 0 -> NationalityScope.any();
            case 1 -> NationalityScope.own();
            default -> NationalityScope.listed(List.of(NATIONALITIES.get(random.nextInt(NATIONALITIES.size()))));
        };
        Set<PersonCategory> categories = random.nextBoolean() ? Set.of(PersonCategory.values())
                : Set.of(PersonCategory.values()[random.nextInt(PersonCategory.values().length)]);
        List<CountryCode> from = random.nextBoolean() ? List.of() : List.of(SENDERS.get(random.nextInt(2)));
        Capacity capacity = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new Capacity(1 + random.nextInt(1000), Capacity.Period.MONTH);
            case 2 -> new Capacity(1 + random.nextInt(1000), Capacity.Period.YEAR);
            default -> new Capacity(1 + random.nextInt(1000), Capacity.Period.AGREEMENT);
        };
        return new AcceptPeople(party, scope, categories, from, null, capacity, false);
    }

    private static List<Headcount> randomHeadcounts(Random random) {
        List<Headcount> lines = new ArrayList<>();
        for (CountryCode nationality : NATIONALITIES) {
            for (PersonCategory category : PersonCategory.values()) {
                if (random.nextInt(4) == 0) {
                    lines.add(new Headcount(nationality, category, Sex.values()[random.nextInt(2)], AgeGroup.ADULT,
                            1 + random.nextInt(50)));
                }
            }
        }
        return lines.isEmpty() ? List.of(new Headcount(NATIONALITIES.get(0), PersonCategory.GANG_MEMBER, Sex.MALE,
                AgeGroup.ADULT, 1)) : lines;
    }
}
