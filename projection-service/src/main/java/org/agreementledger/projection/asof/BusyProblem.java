package org.agreementledger.projection.asof;

import org.agreementledger.security.Problems;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** 503 with Retry-After for a heavy read beyond the instance's most: it may run later. */
@RestControllerAdvice
class BusyProblem {

    @ExceptionHandler(AsOfViews.Busy.class)
    ResponseEntity<ProblemDetail> busy(AsOfViews.Busy refused) {
        return Problems.retryLater("busy", refused.getMessage());
    }
}
