package org.agreementledger.security;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;

/** RFC 9457 problems with the ledger's stable type URIs, one per rule; each is described in docs/api.md. */
public final class Problems {

    public static final String BASE = "https://agreement-ledger.org/problems/";

    private Problems() {
    }

    public static URI type(String slug) {
        return URI.create(BASE + slug);
    }

    /** A problem of the given type; its title is the slug in words ("not-a-party" → "Not a party"). */
    public static ProblemDetail of(HttpStatus status, String slug, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        String words = slug.replace('-', ' ');
        problem.setTitle(Character.toUpperCase(words.charAt(0)) + words.substring(1));
        return problem;
    }

    /** The problem as a response, with {@code field} naming the part of the request at fault (may be null). */
    public static ResponseEntity<ProblemDetail> response(HttpStatus status, String slug, String detail, String field) {
        ProblemDetail problem = of(status, slug, detail);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
