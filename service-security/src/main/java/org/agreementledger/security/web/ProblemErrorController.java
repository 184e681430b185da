package org.agreementledger.security.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.agreementledger.security.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * Whatever ends on the servlet container's error page (an exception from a filter, an unmapped failure, a
 * {@code sendError}) is answered as problem+json, whatever the caller accepts: a database outage as 503 with
 * Retry-After, anything unforeseen as 500 without internals.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping(path = "${server.error.path:${error.path:/error}}", produces = MediaType.ALL_VALUE)
    ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return answer((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION),
                HttpStatus.resolve(code instanceof Integer i ? i : 500), request.getMethod(),
                request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
    }

    /** The answer to a failure, or to an error status without one, of the request {@code method} on {@code uri}. */
    static ResponseEntity<String> answer(Throwable failure, HttpStatus status, String method, Object uri) {
        ProblemDetail problem;
        HttpHeaders headers = new HttpHeaders();
        if (failure != null && Problems.isDatabaseOutage(failure)) {
            problem = Problems.databaseUnavailable();
            headers.set(HttpHeaders.RETRY_AFTER, Integer.toString(Problems.RETRY_AFTER_SECONDS));
        } else if (failure != null && Problems.isClientTooSlow(failure)) {
            // the container stopped waiting for the body's next bytes (server.tomcat.connection-timeout): the client's doing
            log.warn("{} {}: the request body stopped arriving; answered 408", method, uri);
            problem = Problems.requestTooSlow("Nothing more of the request body arrived within the server's wait for"
                    + " its next bytes; send it at once.");
            headers.set(HttpHeaders.CONNECTION, "close");
        } else if (status == null || status.is5xxServerError() || failure != null) {
            if (failure != null) {
                log.error("Unhandled failure on {} {}", method, uri, failure);
            }
            // a read changes nothing, so its retry needs no key; a command's may have been recorded before it failed
            problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", isRead(method)
                    ? "The request could not be answered; a read changes nothing, so retry it, or report the"
                            + " correlation id."
                    : "The request could not be completed; nothing is known to have been recorded. Retry with the same"
                            + " Idempotency-Key, or report the correlation id.");
        } else {
            problem = Problems.of(status, ProblemErrorPages.slugOf(status), ProblemErrorPages.detailOf(status));
        }
        if (uri instanceof String path) {
            try {
                problem.setInstance(new URI(path));
            } catch (Exception e) {
                // a path too broken to be a URI is left out
            }
        }
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(ProblemErrorPages.toJson(problem), headers, problem.getStatus());
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }
}
