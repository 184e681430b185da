package org.agreementledger.ledger.web;

import org.agreementledger.security.Problems;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.agreementledger.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on every POST: the same key with the same request answers the first response again and
 * appends nothing; the same key with another request is refused. A key belongs to the caller that used it (it runs
 * after authentication, and the principal is part of the stored key), lives in the ledger's database, so it
 * survives restarts, and is claimed in the command's own transaction ({@link IdempotencyKeys}).
 */
@Component
@Order(SecurityProperties.DEFAULT_FILTER_ORDER + 10)
public class IdempotencyFilter extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    static final String CLAIM = IdempotencyFilter.class.getName() + ".claim";
    private static final Pattern ACCEPTABLE = Pattern.compile("[\\x21-\\x7E]{1,200}");

    /** A key and the fingerprint of the request it was first used for. */
    public record Claim(String key, String requestHash) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    IdempotencyFilter(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null || Caller.current().isEmpty();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        if (!ACCEPTABLE.matcher(given).matches()) {
            problem(request, response, HttpStatus.BAD_REQUEST, "invalid-idempotency-key",
                    "An Idempotency-Key is 1 to 200 visible ASCII characters.");
            return;
        }
        String key = Caller.current().map(Caller::principal).orElseThrow() + " " + given;
        byte[] body = request.getInputStream().readAllBytes();
        String hash = fingerprint(request, body);
        List<Map<String, Object>> seen = jdbc.queryForList("SELECT * FROM idempotency_key WHERE idempotency_key = ?", key);
        if (!seen.isEmpty()) {
            answerAgain(request, response, seen.get(0), hash);
            return;
        }
        request.setAttribute(CLAIM, new Claim(key, hash));
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        chain.doFilter(new CachedBodyRequest(request, body), captured);
        if (captured.getStatus() / 100 == 2) {
            jdbc.update("""
                    UPDATE idempotency_key SET response_status = ?, response_location = ?, response_etag = ?, response_body = ?
                    WHERE idempotency_key = ? AND request_hash = ?""",
                    captured.getStatus(), captured.getHeader("Location"), captured.getHeader("ETag"),
                    new String(captured.getContentAsByteArray(), StandardCharsets.UTF_8), key, hash);
        }
        captured.copyBodyToResponse();
    }

    private void answerAgain(HttpServletRequest request, HttpServletResponse response, Map<String, Object> first,
                             String hash) throws IOException {
        if (!hash.equals(first.get("request_hash"))) {
            problem(request, response, HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                    "This Idempotency-Key was used for a different request; use a new key for a new request.");
            return;
        }
        Object status = first.get("response_status");
        if (status == null) {
            problem(request, response, HttpStatus.CONFLICT, "idempotency-key-in-progress",
                    "A request with this Idempotency-Key was accepted but its answer is not stored yet; retry shortly.");
            return;
        }
        response.setStatus(((Number) status).intValue());
        if (first.get("response_location") != null) {
            response.setHeader("Location", (String) first.get("response_location"));
        }
        if (first.get("response_etag") != null) {
            response.setHeader("ETag", (String) first.get("response_etag"));
        }
        response.setHeader("Idempotent-Replayed", "true");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(((String) first.get("response_body")).getBytes(StandardCharsets.UTF_8));
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String slug,
                         String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        problem.setTitle(slug.substring(0, 1).toUpperCase() + slug.substring(1).replace('-', ' '));
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        problem.setProperty("field", HEADER);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    private static String fingerprint(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((request.getMethod() + " " + request.getRequestURI() + "\n").getBytes(StandardCharsets.UTF_8));
            sha256.update(body);
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body, read once for the fingerprint, handed on unchanged. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
