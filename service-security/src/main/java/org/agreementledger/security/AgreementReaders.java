package org.agreementledger.security;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may read an agreement, for the ledger and the projection alike: auditors and dashboards read every agreement,
 * a country service only those its country is a party to, and a country service whose token names no country none.
 */
public final class AgreementReaders {

    private AgreementReaders() {
    }

    /** Why a caller may not read an agreement, and the sentence that tells it. */
    public record Refusal(Kind kind, String detail) {

        public enum Kind {
            /** A country service's token names no country. */
            NO_COUNTRY,
            /** The caller's country is not a party to the agreement. */
            NOT_A_PARTY
        }
    }

    /**
     * The refusal for this caller, if any.
     *
     * @param parties the agreement's parties, read only for a country service; empty when the agreement is unknown,
     *                which is for the caller to answer (404), not refused here
     */
    public static Optional<Refusal> refusal(Optional<Caller> caller, String agreementId,
                                            Supplier<Optional<? extends Collection<String>>> parties) {
        if (caller.isEmpty() || caller.get().readsEverything()) {
            return Optional.empty();
        }
        if (caller.get().country().isEmpty()) {
            return Optional.of(new Refusal(Refusal.Kind.NO_COUNTRY,
                    "A country service's token must name its country to read agreements."));
        }
        String country = caller.get().country().get().value();
        return parties.get().filter(known -> !known.contains(country)).map(known -> new Refusal(Refusal.Kind.NOT_A_PARTY,
                country + " is not a party to agreement " + agreementId + "; only its parties, auditors and dashboards read it."));
    }
}
