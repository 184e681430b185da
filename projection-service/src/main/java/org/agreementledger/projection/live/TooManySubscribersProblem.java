package org.agreementledger.projection.live;

import org.agreementledger.security.Problems;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** 503 with Retry-After for a live subscription beyond the instance's most: it may be open later. */
@RestControllerAdvice
class TooManySubscribersProblem {

    @ExceptionHandler(LiveFeed.TooManySubscribers.class)
    ResponseEntity<ProblemDetail> tooMany(LiveFeed.TooManySubscribers refused) {
        return Problems.retryLater("too-many-subscribers", refused.getMessage());
    }
}
