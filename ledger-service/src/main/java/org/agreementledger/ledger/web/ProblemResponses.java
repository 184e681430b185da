package org.agreementledger.ledger.web;

import org.agreementledger.security.Problems;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.servlet.http.HttpServletRequest;
import org.agreementledger.ledger.command.LedgerRuleViolation;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every refusal as RFC 9457 {@code application/problem+json}: a stable {@code type} per rule, the field at
 * fault and, where the request concerns one, the agreement's id.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '([^']*)'");

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .sorted(Comparator.comparing(FieldError::getField))
                .map(e -> Map.of("field", e.getField(), "message", String.valueOf(e.getDefaultMessage())))
                .toList();
        String summary = errors.stream().map(e -> e.get("field") + " " + e.get("message"))
                .collect(Collectors.joining("; "));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                summary, request);
        if (!errors.isEmpty()) {
            problem.setProperty("field", errors.get(0).get("field"));
        }
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        String field = null;
        String detail = "The request body is not valid JSON for this operation.";
        Matcher duplicate = cause != null && cause.getMessage() != null ? DUPLICATE_FIELD.matcher(cause.getMessage()) : null;
        if (ex.getCause() instanceof UnrecognizedPropertyException unknown) {
            field = fieldPath(unknown);
            detail = field + " is not a field of this request; nothing is ignored, so remove it.";
        } else if (ex.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = fieldPath(mapping);
            if (mapping instanceof InvalidFormatException || mapping instanceof ValueInstantiationException) {
                detail = field + ": " + rootMessage(cause);
            } else {
                detail = field + " has the wrong type or shape (a count, for one, is a whole number, never a fraction).";
            }
        } else if (duplicate != null && duplicate.find()) {
            field = duplicate.group(1);
            detail = "The field " + field + " appears more than once; a request says each thing once.";
        }
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, field == null ? "malformed-json" : "invalid-request",
                field == null ? "Malformed request body" : "Invalid request", detail, request);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(LedgerRuleViolation.class)
    ResponseEntity<ProblemDetail> ruleViolation(LedgerRuleViolation violation, NativeWebRequest request) {
        HttpStatus status = switch (violation.kind()) {
            case MALFORMED -> HttpStatus.BAD_REQUEST;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case RULE_BROKEN -> HttpStatus.UNPROCESSABLE_ENTITY;
            case STATE_CONFLICT -> HttpStatus.CONFLICT;
            case VERSION_MISMATCH -> HttpStatus.PRECONDITION_FAILED;
        };
        ProblemDetail problem = problem(status, violation.problem(), titleOf(violation.problem()),
                violation.getMessage(), request);
        if (violation.field() != null) {
            problem.setProperty("field", violation.field());
        }
        return ResponseEntity.status(status).body(problem);
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<ProblemDetail> unknownAgreement(AggregateNotFoundException ex, NativeWebRequest request) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "unknown-agreement", "Unknown agreement",
                "No agreement " + ex.getAggregateIdentifier() + " is recorded.", request);
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    static ProblemDetail problem(HttpStatus status, String slug, String title, String detail, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        problem.setTitle(title);
        if (request instanceof NativeWebRequest nativeRequest
                && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            problem.setInstance(Problems.instanceOf(servletRequest));
            problem.setProperty("correlationId", CorrelationIdFilter.of(servletRequest));
        }
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
                RequestAttributes.SCOPE_REQUEST);
        if (variables instanceof Map<?, ?> map && map.get("agreementId") != null) {
            problem.setProperty("agreementId", map.get("agreementId"));
        }
        return problem;
    }

    private static String fieldPath(JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String rootMessage(Throwable cause) {
        String message = cause.getMessage();
        if (message == null) {
            return "invalid value";
        }
        if (cause instanceof NullPointerException) {
            // a value object's Objects.requireNonNull(x, "x"): a member the request left out
            return message + " is required";
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }

    private static String titleOf(String slug) {
        String words = slug.replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
