package org.agreementledger.security.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.sql.SQLException;

/**
 * A failure of the database under a controller, answered as the error page answers it: 503 with Retry-After for an
 * outage, else 500. Left to Spring MVC, a failure whose innermost cause reads "Broken pipe" or "Connection reset by
 * peer", or is an {@code EOFException} — a PostgreSQL connection breaking — is taken for the HTTP client having gone
 * away and the request is answered 200 with an empty body (spring-framework#34481): a failed command would look
 * recorded. Matched on any {@link SQLException} in the chain of causes.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class DatabaseFailures {

    /**
     * Not once the answer has started: a problem written after part of a streamed document would pass for more of it.
     * Rethrown instead, the failure reaches the servlet container, which cuts the connection short of the answer's end.
     */
    @ExceptionHandler(SQLException.class)
    ResponseEntity<String> databaseFailed(Exception failure, HttpServletRequest request, HttpServletResponse response)
            throws Exception {
        if (response.isCommitted()) {
            throw failure;
        }
        return ProblemErrorController.answer(failure, HttpStatus.INTERNAL_SERVER_ERROR, request.getMethod(),
                request.getRequestURI());
    }
}
