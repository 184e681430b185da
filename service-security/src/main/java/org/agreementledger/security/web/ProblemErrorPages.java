package org.agreementledger.security.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Tomcat's own error report as problem+json. Tomcat refuses some requests before any servlet runs (a path with an
 * encoded slash or NUL, an undecodable URL, a malformed request line), and its default page is HTML.
 */
public class ProblemErrorPages extends ErrorReportValve {

    /** Spring's problem mix-in lays properties out as members; absent members are left out, never null. */
    private static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json()
            .serializationInclusion(JsonInclude.Include.NON_NULL).build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        ProblemDetail problem = status == null
                ? ProblemDetail.forStatus(code)
                : Problems.of(status, slugOf(status), detailOf(status));
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(toJson(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response was taken over: nothing more to tell the client
        }
    }

    static String slugOf(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "malformed-request";
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case PAYLOAD_TOO_LARGE -> "request-too-large";
            case URI_TOO_LONG -> "uri-too-long";
            case REQUEST_HEADER_FIELDS_TOO_LARGE -> "headers-too-large";
            default -> status.is5xxServerError() ? "internal-error" : "http-" + status.value();
        };
    }

    static String detailOf(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "The request is malformed (for example a path with an encoded slash, NUL or invalid"
                    + " percent-encoding) and was not processed.";
            case NOT_FOUND -> "Nothing is served at this path.";
            default -> status.getReasonPhrase() + ".";
        };
    }

    static String toJson(ProblemDetail problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
