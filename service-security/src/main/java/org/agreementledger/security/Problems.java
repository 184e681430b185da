package org.agreementledger.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

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

    /** Seconds a caller should wait before retrying while a dependency (the database) is unavailable. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** 503 with Retry-After: the service is whole, but takes no more of this kind of request just now. */
    public static ResponseEntity<ProblemDetail> retryLater(String slug, String detail) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(of(HttpStatus.SERVICE_UNAVAILABLE, slug, detail));
    }

    /** Writes a problem straight to a servlet response, for the places that answer before Spring MVC does. */
    public static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem,
                             ObjectMapper json) throws IOException {
        if (problem.getInstance() == null) {
            problem.setInstance(instanceOf(request));
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    /** The request's path as the problem's instance; a path too broken to be a URI is left out rather than failing. */
    public static URI instanceOf(HttpServletRequest request) {
        try {
            return new URI(request.getRequestURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a failure means the database cannot be reached (down, restarting, out of connections): the request
     * may succeed later, so it is answered 503 with Retry-After rather than 500.
     */
    public static boolean isDatabaseOutage(Throwable failure) {
        return anyCause(failure, cause -> {
            String name = cause.getClass().getName();
            return cause instanceof SQLTransientConnectionException
                    || name.equals("org.springframework.transaction.CannotCreateTransactionException")
                    || name.equals("org.springframework.jdbc.CannotGetJdbcConnectionException")
                    || name.equals("org.springframework.dao.DataAccessResourceFailureException")
                    || name.equals("org.springframework.dao.QueryTimeoutException")
                    // SQLSTATE class 08: connection exception; 57P01-57P03: the server is shutting down or starting
                    || cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"));
        });
    }

    /** Whether the failure or any of its causes is one {@code kind} names. */
    private static boolean anyCause(Throwable failure, java.util.function.Predicate<Throwable> kind) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (kind.test(cause)) {
                return true;
            }
        }
        return false;
    }

    /** 408: the request's body did not arrive in time; nothing was read further, and the connection is closed. */
    public static ProblemDetail requestTooSlow(String detail) {
        return of(HttpStatus.REQUEST_TIMEOUT, "request-too-slow", detail);
    }

    /** Whether the failure is the container giving up waiting for the client's next bytes. */
    public static boolean isClientTooSlow(Throwable failure) {
        return anyCause(failure, java.net.SocketTimeoutException.class::isInstance);
    }

    /** The answer while the database is unavailable: 503 with Retry-After, nothing was recorded. */
    public static ProblemDetail databaseUnavailable() {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "The database cannot be reached right now."
                + " Retry after " + RETRY_AFTER_SECONDS + " seconds with the same Idempotency-Key: if the connection broke"
                + " while the command was being committed, the retry gets its answer; otherwise it is decided then.");
    }
}
