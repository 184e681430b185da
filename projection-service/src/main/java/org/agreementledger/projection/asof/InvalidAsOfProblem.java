package org.agreementledger.projection.asof;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;

@RestControllerAdvice
class InvalidAsOfProblem {

    @ExceptionHandler(AsOf.InvalidAsOf.class)
    ResponseEntity<ProblemDetail> invalid(AsOf.InvalidAsOf invalid) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, invalid.getMessage());
        problem.setType(URI.create("https://agreement-ledger.org/problems/invalid-request"));
        problem.setTitle("Invalid request");
        problem.setProperty("field", invalid.field);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
