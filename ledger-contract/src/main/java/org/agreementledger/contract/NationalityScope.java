package org.agreementledger.contract;

import java.util.List;
import java.util.Objects;

/** Which nationalities an accepting party takes: its own, any, or those listed. */
public record NationalityScope(Kind kind, List<CountryCode> nationalities) {

    public enum Kind { OWN, ANY, LISTED }

    public NationalityScope {
        Objects.requireNonNull(kind, "kind");
        nationalities = nationalities == null ? List.of()
                : List.copyOf(ContractLimits.requireSize(nationalities, ContractLimits.MAX_LISTED_NATIONALITIES, "nationalities"));
        if (kind == Kind.LISTED && nationalities.isEmpty()) {
            throw new IllegalArgumentException("a LISTED nationality scope lists at least one nationality");
        }
        if (kind != Kind.LISTED && !nationalities.isEmpty()) {
            throw new IllegalArgumentException("only a LISTED nationality scope lists nationalities");
        }
    }

    public static NationalityScope own() {
        return new NationalityScope(Kind.OWN, List.of());
    }

    public static NationalityScope any() {
        return new NationalityScope(Kind.ANY, List.of());
    }

    public static NationalityScope listed(List<CountryCode> nationalities) {
        return new NationalityScope(Kind.LISTED, nationalities);
    }

    public boolean covers(CountryCode nationality, CountryCode acceptingParty) {
        return switch (kind) {
            case OWN -> nationality.equals(acceptingParty);
            case ANY -> true;
            case LISTED -> nationalities.contains(nationality);
        };
    }
}
