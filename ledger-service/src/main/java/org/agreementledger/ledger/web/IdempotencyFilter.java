package org.agreementledger.ledger.web;

import org.agreementledger.security.Problems;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
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
    static final String IN_PROGRESS = "idempotency-key-in-progress";
    private static final Pattern ACCEPTABLE = Pattern.compile("[\\x21-\\x7E]{1,200}");

    /** A key and the fingerprint of the request it was first used for. */
    public record Claim(String key, String requestHash) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final AgreementCommands commands;

    IdempotencyFilter(JdbcTemplate jdbc, ObjectMapper json, AgreementCommands commands) {
        this.jdbc = jdbc;
        this.json = json;
        this.commands = commands;
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
        // the body is in memory already (RequestBodyLimit) and can be read again by the controller
        String hash = fingerprint(request, request.getInputStream().readAllBytes());
        request.setAttribute(CLAIM, new Claim(key, hash));
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, captured);
        // The key is looked up only when the command was refused, not before every command (a round trip each): a
        // command whose key was used before fails its claim in its own transaction and appends nothing, and one
        // retried after it succeeded may now be refused by the rules; either way the first answer is the answer.
        if (captured.getStatus() >= 400 && captured.getStatus() < 500) {
            Map<String, Object> first = stored(key);
            if (first != null) {
                captured.resetBuffer();
                answerAgain(request, response, first, hash);
                return;
            }
        }
        captured.copyBodyToResponse();
    }

    private Map<String, Object> stored(String key) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM idempotency_key WHERE idempotency_key = ?", key);
        return rows.isEmpty() ? null : rows.get(0);
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
            // only keys recorded before answers were stored with their command can be in this state
            problem(request, response, HttpStatus.CONFLICT, IN_PROGRESS,
                    "A request with this Idempotency-Key was accepted but its answer is not stored; retry shortly.");
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
        response.getOutputStream().write(withReceipts((String) first.get("response_body")));
    }

    /** The stored answer with its events' receipts, which exist only once the command committed. */
    private byte[] withReceipts(String stored) throws IOException {
        return json.writeValueAsBytes(commands.withReceipts(json.readValue(stored, CommandResponse.class)));
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String slug,
                         String detail) throws IOException {
        ProblemDetail problem = Problems.of(status, slug, detail);
        problem.setProperty("field", HEADER);
        Problems.write(request, response, problem, json);
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
}
