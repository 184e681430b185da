package org.agreementledger.projection.access;

import org.agreementledger.security.Problems;
import org.agreementledger.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.Optional;

/**
 * A country service reads the agreements it is a party to and nothing else: another country's agreement is
 * refused with 403, and lists show only its own. Auditors and dashboards read everything.
 */
@Component
public class ReadAccess {

    /** Stands for a country service whose token names no country: it matches no agreement's parties. */
    private static final String NO_COUNTRY = "--";

    private final JdbcTemplate jdbc;

    ReadAccess(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The country whose agreements alone the caller may see; empty when it may see all. */
    public Optional<String> restrictedTo() {
        return Caller.current().filter(caller -> !caller.readsEverything())
                .map(caller -> caller.country().map(Object::toString).orElse(NO_COUNTRY));
    }

    /** Refuses a country caller that is not a party to this (existing) agreement. */
    public void check(String agreementId) {
        Optional<String> country = restrictedTo();
        if (country.isEmpty()) {
            return;
        }
        if (country.get().equals(NO_COUNTRY)) {
            throw new NotAParty("A country service's token must name its country to read agreements.", agreementId);
        }
        Boolean party = jdbc.query("SELECT parties @> ?::jsonb FROM agreement_view WHERE agreement_id = ?",
                rs -> rs.next() ? rs.getBoolean(1) : null, "[\"" + country.get() + "\"]", agreementId);
        if (Boolean.FALSE.equals(party)) {
            throw NotAParty.of(country.get(), agreementId);
        }
    }

    /** A country service asked for what belongs to other countries. */
    public static class NotAParty extends RuntimeException {
        final String agreementId;

        public NotAParty(String message, String agreementId) {
            super(message);
            this.agreementId = agreementId;
        }

        static NotAParty of(String country, String agreementId) {
            return new NotAParty(country + " is not a party to agreement " + agreementId
                    + "; only its parties, auditors and dashboards read it.", agreementId);
        }
    }

    @RestControllerAdvice
    static class NotAPartyProblem {

        @ExceptionHandler(NotAParty.class)
        ResponseEntity<ProblemDetail> refuse(NotAParty refusal) {
            ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.FORBIDDEN, "not-a-party",
                    refusal.getMessage(), null);
            if (refusal.agreementId != null) {
                response.getBody().setProperty("agreementId", refusal.agreementId);
            }
            return response;
        }
    }
}
