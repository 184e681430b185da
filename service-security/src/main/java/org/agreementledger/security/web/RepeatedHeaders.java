package org.agreementledger.security.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

/**
 * A header the services read one value of, given twice, is refused with 400 naming it, before anything reads it: the
 * container hands out the first, so {@code Authorization} twice acted as the first token, {@code Content-Type} twice
 * as the first type and {@code Idempotency-Key} twice claimed the first key, the others silently dropped. RFC 6750
 * §3.1 answers more than one token with 400 {@code invalid_request}; W3C Trace Context calls a repeated
 * {@code traceparent} invalid.
 */
public class RepeatedHeaders extends OncePerRequestFilter {

    /** Every header either service reads as one value. */
    public static final List<String> SINGLE_VALUED = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
            "Idempotency-Key", HttpHeaders.IF_MATCH, "X-Correlation-Id", "traceparent", "Last-Event-ID");

    private final ObjectMapper json;

    public RepeatedHeaders(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        for (String name : SINGLE_VALUED) {
            Enumeration<String> values = request.getHeaders(name);
            if (values != null && values.hasMoreElements()) {
                values.nextElement();
                if (values.hasMoreElements()) {
                    ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
                            "The header " + name + " is given more than once; a request says each thing once.");
                    problem.setProperty("field", name);
                    Problems.write(request, response, problem, json);
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
