package org.agreementledger.projection.access;

import org.agreementledger.security.Problems;
import org.agreementledger.security.AgreementReaders;
import org.agreementledger.security.Caller;
import com.fasterxml.jackson.core.type.TypeReference;
import org.agreementledger.projection.consumer.Json;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.List;
import java.util.Optional;

/**
 * A country service reads the agreements it is a party to and nothing else: another country's agreement is
 * refused with 403, and lists show only its own. Auditors and dashboards read everything.
 */
@Component
public class ReadAccess {

    /** Stands for a country service whose token names no country: it matches no agreement's parties. */
    private static final String NO_COUNTRY = "--";

    private static final TypeReference<List<String>> PARTIES = new TypeReference<>() {
    };

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
        AgreementReaders.refusal(Caller.current(), agreementId, () -> parties(agreementId)).ifPresent(refusal -> {
            throw new NotAParty(refusal.detail(), agreementId);
        });
    }

    private Optional<List<String>> parties(String agreementId) {
        return jdbc.query("SELECT parties FROM agreement_view WHERE agreement_id = ?",
                rs -> rs.next() ? Optional.of(Json.read(rs.getString(1), PARTIES)) : Optional.empty(), agreementId);
    }

    /** A country service asked for what belongs to other countries. */
    public static class NotAParty extends RuntimeException {
        final String agreementId;

        public NotAParty(String message, String agreementId) {
            super(message);
            this.agreementId = agreementId;
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
