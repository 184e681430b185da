package org.agreementledger.projection.asof;

import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;


@RestControllerAdvice
class InvalidAsOfProblem {

    @ExceptionHandler(AsOf.InvalidAsOf.class)
    ResponseEntity<ProblemDetail> invalid(AsOf.InvalidAsOf invalid) {
        return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", invalid.getMessage(), invalid.field);
    }
}
