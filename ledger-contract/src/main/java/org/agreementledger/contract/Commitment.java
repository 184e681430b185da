package org.agreementledger.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One party's obligation under an agreement, as a typed value; the JSON names its kind in {@code "type"}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Commitment.AcceptPeople.class, name = "accept-people"),
        @JsonSubTypes.Type(value = Commitment.RaiseVolume.class, name = "raise-volume"),
        @JsonSubTypes.Type(value = Commitment.PayCosts.class, name = "pay"),
        @JsonSubTypes.Type(value = Commitment.ProvideAssistance.class, name = "assist")
})
public sealed interface Commitment {

    /** The party that is bound. */
    CountryCode party();

    /**
     * To accept people sent by other parties.
     *
     * @param fromParties    the sending parties it accepts from; empty means any other party
     * @param facility       where they are taken, e.g. CECOT; null when not named
     * @param capacity       the most it takes per period; null when unlimited
     * @param pendingOnwardReturn true when people of other nationalities stay only until returned home
     */
    record AcceptPeople(CountryCode party, NationalityScope nationalities, java.util.Set<PersonCategory> categories,
                        java.util.List<CountryCode> fromParties, String facility, Capacity capacity,
                        boolean pendingOnwardReturn) implements Commitment {

        public AcceptPeople {
            java.util.Objects.requireNonNull(party, "party");
            java.util.Objects.requireNonNull(nationalities, "nationalities");
            if (categories == null || categories.isEmpty()) {
                throw new IllegalArgumentException("an accept-people commitment names at least one category");
            }
            // in declaration order, never hash order: the JSON of an event must be the same in every JVM, or its
            // hash could not be recomputed from it
            categories = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(categories));
            fromParties = fromParties == null ? java.util.List.of()
                    : java.util.List.copyOf(ContractLimits.requireSize(fromParties, ContractLimits.MAX_PARTIES, "fromParties"));
            ContractLimits.requireLength(facility, ContractLimits.MAX_FACILITY_LENGTH, "facility");
        }

        public boolean acceptsFrom(CountryCode sender) {
            return fromParties.isEmpty() || fromParties.contains(sender);
        }

        public boolean covers(Headcount headcount, CountryCode sender) {
            return acceptsFrom(sender) && categories.contains(headcount.category())
                    && nationalities.covers(headcount.nationality(), party);
        }
    }

    /** To raise a volume over a baseline, e.g. deportation flights per month +40 %. */
    record RaiseVolume(CountryCode party, VolumeMetric metric, java.math.BigDecimal baseline,
                       java.math.BigDecimal increasePercent) implements Commitment {

        public enum VolumeMetric { DEPORTATION_FLIGHTS_PER_MONTH }

        public RaiseVolume {
            java.util.Objects.requireNonNull(party, "party");
            java.util.Objects.requireNonNull(metric, "metric");
            java.util.Objects.requireNonNull(increasePercent, "increasePercent");
            // every number in an event must hash alike on every JVM: at most 15 significant digits (docs/audit.md)
            if (increasePercent.stripTrailingZeros().precision() > 15
                    || baseline != null && baseline.stripTrailingZeros().precision() > 15) {
                throw new IllegalArgumentException("baseline and increasePercent have at most 15 significant digits");
            }
        }
    }

    /** To pay another party: fees under the agreement's fee schedule, or costs such as onward return. */
    record PayCosts(CountryCode party, CountryCode payee, Purpose purpose, String description) implements Commitment {

        public enum Purpose { FEES, ONWARD_RETURN_COSTS, TRANSPORT_COSTS }

        public PayCosts {
            java.util.Objects.requireNonNull(party, "party");
            java.util.Objects.requireNonNull(purpose, "purpose");
            ContractLimits.requireLength(description, ContractLimits.MAX_DESCRIPTION_LENGTH, "description");
        }
    }

    /** To assist another party in kind (ports, border security, infrastructure), described in words. */
    record ProvideAssistance(CountryCode party, CountryCode beneficiary, String description) implements Commitment {

        public ProvideAssistance {
            java.util.Objects.requireNonNull(party, "party");
            if (description == null || description.isBlank()) {
                throw new IllegalArgumentException("assistance is described");
            }
            ContractLimits.requireLength(description, ContractLimits.MAX_DESCRIPTION_LENGTH, "description");
        }
    }
}
