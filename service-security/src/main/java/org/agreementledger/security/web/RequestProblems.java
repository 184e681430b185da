package org.agreementledger.security.web;

import jakarta.servlet.http.HttpServletRequest;
import org.agreementledger.security.Problems;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A query parameter, path variable or header that breaks its declared bound ({@code @Min}, {@code @Pattern}, …), has
 * the wrong type, or is missing, answered as every other invalid request is: 400 {@code invalid-request} naming the
 * field, and every invalid one under {@code errors}; a body in a media type the operation does not read, or an answer
 * asked for in one it does not write, as 415 and 406 naming the header. Left to Spring, each was a bare "Validation
 * failure", "Failed to convert" or "Content-Type … is not supported" of type {@code about:blank}, with no field.
 * Ordered first, so that a service's own handler of the same exceptions never answers them.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestProblems {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** The most of a refused value a problem repeats: it is the caller's own, and may be anything. */
    private static final int VALUE_SHOWN = 64;

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> outOfBounds(HandlerMethodValidationException invalid, HttpServletRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        invalid.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                errors.add(Map.of("field", nameOf(result.getMethodParameter()),
                        "message", String.valueOf(error.getDefaultMessage())))));
        String detail = errors.isEmpty() ? "The request's parameters are not valid."
                : String.join("; ", errors.stream().map(e -> e.get("field") + " " + e.get("message")).toList()) + ".";
        return answer(request, detail, errors.isEmpty() ? null : errors.get(0).get("field"), errors);
    }

    /** A path no operation serves, under a prefix the caller may reach: Spring's own answer spoke of static resources. */
    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noOperation(NoResourceFoundException missing, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.NOT_FOUND, "not-found", "No operation "
                + request.getMethod() + " " + shown(request.getRequestURI()) + "; the operations are listed at /v3/api-docs.",
                null);
        response.getBody().setInstance(Problems.instanceOf(request));
        return response;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> wrongType(MethodArgumentTypeMismatchException mismatch, HttpServletRequest request) {
        String field = nameOf(mismatch.getParameter());
        Class<?> type = mismatch.getRequiredType();
        String detail = field + " must be " + (type == null ? "of another kind" : kindOf(type)) + ", not '"
                + shown(String.valueOf(mismatch.getValue())) + "'.";
        return answer(request, detail, field, List.of(Map.of("field", field, "message", detail)));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException missing, HttpServletRequest request) {
        String detail = missing.getParameterName() + " is required.";
        return answer(request, detail, missing.getParameterName(),
                List.of(Map.of("field", missing.getParameterName(), "message", "is required")));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMediaTypeNotSupportedException unsupported, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type", "This operation reads " + types(unsupported.getSupportedMediaTypes())
                        + " in UTF-8, not " + shown(String.valueOf(request.getContentType())) + ".", HttpHeaders.CONTENT_TYPE);
        response.getBody().setInstance(Problems.instanceOf(request));
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                .header(HttpHeaders.ACCEPT, types(unsupported.getSupportedMediaTypes())).body(response.getBody());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> unwritable(HttpMediaTypeNotAcceptableException unacceptable, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.NOT_ACCEPTABLE, "not-acceptable",
                "This operation answers in " + types(unacceptable.getSupportedMediaTypes()) + ", which "
                        + shown(String.valueOf(request.getHeader(HttpHeaders.ACCEPT))) + " does not accept.",
                HttpHeaders.ACCEPT);
        response.getBody().setInstance(Problems.instanceOf(request));
        return response;
    }

    private static String types(List<MediaType> types) {
        return types.isEmpty() ? "no body" : String.join(", ", types.stream().map(MediaType::toString).toList());
    }

    private static ResponseEntity<ProblemDetail> answer(HttpServletRequest request, String detail, String field,
                                                        List<Map<String, String>> errors) {
        ResponseEntity<ProblemDetail> response = Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", detail, field);
        response.getBody().setInstance(Problems.instanceOf(request));
        response.getBody().setProperty("errors", errors);
        return response;
    }

    /** The name the caller used: the parameter's declared name, else its name in the code. */
    static String nameOf(MethodParameter parameter) {
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        for (String declared : query != null ? List.of(query.name(), query.value())
                : path != null ? List.of(path.name(), path.value())
                : header != null ? List.of(header.name(), header.value()) : List.<String>of()) {
            if (!declared.isEmpty()) {
                return declared;
            }
        }
        parameter.initParameterNameDiscovery(NAMES);
        return String.valueOf(parameter.getParameterName());
    }

    private static String kindOf(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number" + (type == int.class || type == Integer.class ? " up to " + Integer.MAX_VALUE
                    : " up to " + Long.MAX_VALUE);
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == java.time.LocalDate.class) {
            return BoundedDates.EXPECTED;
        }
        if (type == java.time.Instant.class) {
            return "an instant (e.g. 2025-03-15T12:00:00Z)";
        }
        return "a " + type.getSimpleName();
    }

    private static String shown(String value) {
        return value.length() <= VALUE_SHOWN ? value : value.substring(0, VALUE_SHOWN) + "… (" + value.length() + " characters)";
    }
}
