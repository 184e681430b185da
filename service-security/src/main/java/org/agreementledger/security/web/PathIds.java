package org.agreementledger.security.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.agreementledger.contract.CanonicalUuids;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * An id in a path ({@code /agreements/{agreementId}/transfers/{transferId}/…}) is a UUID in its canonical spelling, or
 * the request is refused 400 {@code invalid-request} naming the segment. Answered 404 "no agreement &lt;it&gt;", a
 * typo looked like a missing agreement and whatever a client put in the path (markup, 8 KB of it) came back in the
 * problem's detail; now the detail does not repeat it. Every path variable of this project's operations named
 * {@code …Id} is one.
 */
final class PathIds implements HandlerInterceptor {

    private static final String DETAIL = " in the path must be a UUID in its canonical form: 36 characters, lower-case hex, "
            + "e.g. 1b9f6a3e-0c1d-4c8e-9a51-2f0d5a4e7b10";
    private static final String OURS = "org.agreementledger.";

    private final ObjectMapper json;

    PathIds(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        if (request.getDispatcherType() != DispatcherType.REQUEST || !(handler instanceof HandlerMethod operation)
                || !operation.getBeanType().getName().startsWith(OURS)
                || !(request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables)) {
            return true;
        }
        // in name order, so that of two bad ids the same one is named every time
        for (Map.Entry<?, ?> variable : new TreeMap<>(variables).entrySet()) {
            String name = variable.getKey().toString();
            if (name.endsWith("Id") && CanonicalUuids.parse(String.valueOf(variable.getValue())) == null) {
                ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", name + DETAIL);
                problem.setProperty("field", name);
                Problems.write(request, response, problem, json);
                return false;
            }
        }
        return true;
    }
}
