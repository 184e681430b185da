package org.agreementledger.security.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.agreementledger.security.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Refuses request bodies over the documented size with 413 before anything reads them, whether or not the client
 * sent a Content-Length: the body is read at most one byte past the limit and handed on from memory. And refuses with
 * 408 a body that takes longer than the documented time to arrive: a client sending a byte now and then would
 * otherwise hold a request thread for as long as it liked, and some hundred such clients every thread there is.
 */
public class RequestBodyLimit extends OncePerRequestFilter {

    private static final int TRUSTED_LENGTH = 64 * 1024;

    private final long maxBytes;
    private final Duration maxReadTime;
    private final ObjectMapper json;
    private final LongSupplier nanos;

    public RequestBodyLimit(long maxBytes, Duration maxReadTime, ObjectMapper json) {
        this(maxBytes, maxReadTime, json, System::nanoTime);
    }

    RequestBodyLimit(long maxBytes, Duration maxReadTime, ObjectMapper json, LongSupplier nanos) {
        this.maxBytes = maxBytes;
        this.maxReadTime = maxReadTime;
        this.json = json;
        this.nanos = nanos;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            tooLarge(request, response);
            return;
        }
        byte[] body;
        try {
            body = readWithinTime(request.getInputStream(), (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1),
                    request.getContentLengthLong());
        } catch (TooSlow e) {
            tooSlow(request, response);
            return;
        }
        if (body.length > maxBytes) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(new BodyInMemory(request, body), response);
    }

    /**
     * Up to {@code most} bytes of the body, or TooSlow once reading it has taken longer than allowed. A body of a
     * declared length is read straight into an array of that length, and its end found by reading one byte more: no
     * buffer to copy it out of for the usual request. Only {@link #TRUSTED_LENGTH} of a declared length is allocated
     * before its bytes arrive (a client declaring the limit and sending nothing must not cost the limit per thread);
     * beyond that, and without a length, the array grows as the body arrives.
     */
    private byte[] readWithinTime(InputStream in, int most, long declared) throws IOException, TooSlow {
        long startedAt = nanos.getAsLong();
        byte[] body = new byte[declared >= 0 ? (int) Math.min(declared, TRUSTED_LENGTH) : Math.min(most, 8192)];
        byte[] probe = new byte[1];
        int size = 0;
        while (size < most) {
            if (size == body.length) {
                if (read(in, probe, 0, 1) < 0) {
                    break;
                }
                body = Arrays.copyOf(body, (int) Math.min(most, Math.max(8192L, 2L * body.length)));
                body[size++] = probe[0];
            } else {
                int read = read(in, body, size, body.length - size);
                if (read < 0) {
                    break;
                }
                size += read;
            }
            if (nanos.getAsLong() - startedAt > maxReadTime.toNanos()) {
                throw new TooSlow();
            }
        }
        return size == body.length ? body : Arrays.copyOf(body, size);
    }

    private static int read(InputStream in, byte[] into, int offset, int length) throws IOException, TooSlow {
        try {
            return in.read(into, offset, length);
        } catch (IOException e) {
            // the container's own wait for the next bytes (server.tomcat.connection-timeout) ran out
            if (Problems.isClientTooSlow(e)) {
                throw new TooSlow();
            }
            throw e;
        }
    }

    private static final class TooSlow extends Exception {
        TooSlow() {
            super(null, null, false, false);
        }
    }

    private void tooSlow(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProblemDetail problem = Problems.requestTooSlow("A request body must arrive within " + maxReadTime.toSeconds()
                + " s of its headers; send it at once.");
        problem.setProperty("maxSeconds", maxReadTime.toSeconds());
        response.setHeader("Connection", "close");
        Problems.write(request, response, problem, json);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProblemDetail problem = Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "request-too-large",
                "A request body has at most " + maxBytes + " bytes.");
        problem.setProperty("maxBytes", maxBytes);
        // the rest of the body is not read: close the connection rather than drain it
        response.setHeader("Connection", "close");
        Problems.write(request, response, problem, json);
    }

    /** The body, read once, handed on unchanged as many times as it is asked for. */
    public static final class BodyInMemory extends HttpServletRequestWrapper {

        private final byte[] body;

        public BodyInMemory(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        public byte[] body() {
            return body.clone();
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    try {
                        return in.available() == 0;
                    } catch (IOException e) {
                        return true;
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }

                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
