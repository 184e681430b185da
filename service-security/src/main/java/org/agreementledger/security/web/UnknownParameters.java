package org.agreementledger.security.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.agreementledger.security.Problems;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A query parameter that the operation does not read is refused, as an unknown field of a request body is: 400
 * {@code invalid-request} naming it. Ignored, a misspelt filter ({@code ?stauts=IN_FORCE}) or one the operation does
 * not have ({@code ?asOf=} on the agreements listing, which is only ever live) was answered as if never asked, with
 * nothing to tell the caller. An operation's parameters are its {@code @RequestParam}s and the components of a record
 * it binds from the query (the as-of point); {@code access_token} is every GET's (RFC 6750 §2.3). Only this project's
 * controllers are checked, not Spring's or the actuator's.
 */
final class UnknownParameters implements HandlerInterceptor {

    private static final String ACCESS_TOKEN = "access_token";
    private static final String OURS = "org.agreementledger.";

    private final ObjectMapper json;
    /** Per operation, the names it reads; empty when it reads any (a map of all parameters). */
    private final Map<Method, Optional<Set<String>>> parameters = new ConcurrentHashMap<>();

    UnknownParameters(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        String query = request.getQueryString();
        // the request as the caller sent it, not its async or error dispatches, which keep its query string
        if (query == null || request.getDispatcherType() != DispatcherType.REQUEST || !(handler instanceof HandlerMethod operation)
                || !operation.getBeanType().getName().startsWith(OURS)) {
            return true;
        }
        Optional<Set<String>> known = parameters.computeIfAbsent(operation.getMethod(), method -> namesOf(operation));
        if (known.isEmpty()) {
            return true;
        }
        for (String name : namesIn(query)) {
            if (!known.get().contains(name) && !(name.equals(ACCESS_TOKEN) && "GET".equals(request.getMethod()))) {
                String shown = name.length() <= 64 ? name : name.substring(0, 64) + "…";
                ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", shown
                        + " is not a parameter of this operation; nothing is ignored, so remove it. "
                        + (known.get().isEmpty() ? "It takes none." : "It takes " + String.join(", ", known.get()) + "."));
                problem.setProperty("field", shown);
                Problems.write(request, response, problem, json);
                return false;
            }
        }
        return true;
    }

    private static Optional<Set<String>> namesOf(HandlerMethod operation) {
        Set<String> names = new TreeSet<>();
        for (MethodParameter parameter : operation.getMethodParameters()) {
            RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
            Class<?> type = parameter.getParameterType();
            if (query != null) {
                if (Map.class.isAssignableFrom(type)) {
                    return Optional.empty();
                }
                names.add(RequestProblems.nameOf(parameter));
            } else if (type.isRecord() && !parameter.hasParameterAnnotation(RequestBody.class)
                    && !parameter.hasParameterAnnotation(PathVariable.class)
                    && !parameter.hasParameterAnnotation(RequestHeader.class)) {
                Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).forEach(names::add);
            }
        }
        return Optional.of(names);
    }

    private static List<String> namesIn(String query) {
        return Arrays.stream(query.split("&")).filter(pair -> !pair.isEmpty()).map(pair -> {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            try {
                return URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return name;
            }
        }).toList();
    }
}
