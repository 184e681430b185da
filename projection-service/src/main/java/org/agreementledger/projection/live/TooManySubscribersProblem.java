package org.agreementledger.projection.live;

import org.agreementledger.security.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** 503 with Retry-After for a live subscription beyond the instance's most: it may be open later. */
@RestControllerAdvice
class TooManySubscribersProblem {

    @ExceptionHandler(LiveFeed.TooManySubscribers.class)
    ResponseEntity<ProblemDetail> tooMany(LiveFeed.TooManySubscribers refused) {
        ResponseEntity<ProblemDetail> problem = Problems.response(HttpStatus.SERVICE_UNAVAILABLE, "too-many-subscribers",
                refused.getMessage(), null);
        return ResponseEntity.status(problem.getStatusCode())
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(Problems.RETRY_AFTER_SECONDS))
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(problem.getBody());
    }
}
