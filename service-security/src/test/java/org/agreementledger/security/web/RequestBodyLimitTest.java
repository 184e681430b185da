package org.agreementledger.security.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A body is read whole before anything else sees it: within its size, and within its time. */
class RequestBodyLimitTest {

    private final AtomicLong now = new AtomicLong();
    private final RequestBodyLimit limit = new RequestBodyLimit(1024, Duration.ofSeconds(30), new ObjectMapper(), now::get);

    @Test
    void aBodyDribbledInAByteAtATimeIsRefusedOnceItOutlastsItsTimeAndTheConnectionClosed() throws Exception {
        // each byte arrives a second after the last: well within the container's wait for the next, forever in all
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = post(new Arriving(64, () -> now.addAndGet(Duration.ofSeconds(1).toNanos())), chain);

        assertThat(response.getStatus()).isEqualTo(408);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("/request-too-slow", "\"maxSeconds\":30");
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(chain.getRequest()).as("nothing behind the filter saw it").isNull();
    }

    @Test
    void aBodyWhoseNextBytesTheContainerGaveUpWaitingForIsRefusedAsTooSlow() throws Exception {
        MockHttpServletResponse response = post(new Arriving(64, () -> {
            throw new SocketTimeoutException("Read timed out");
        }), new MockFilterChain());

        assertThat(response.getStatus()).isEqualTo(408);
    }

    @Test
    void whenTheContainerItselfGivesUpOnTheBodyItsErrorPageAnswers408Not500() {
        var answer = ProblemErrorController.answer(new java.io.IOException(new SocketTimeoutException()),
                org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR, "POST", "/agreements");

        assertThat(answer.getStatusCode().value()).isEqualTo(408);
        assertThat(answer.getBody()).contains("/request-too-slow");
        assertThat(answer.getHeaders().getFirst("Connection")).isEqualTo("close");
    }

    @Test
    void aBodyThatArrivesInTimeIsHandedOnWhole() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = post(new Arriving(64, () -> now.addAndGet(Duration.ofMillis(100).toNanos())), chain);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest().getInputStream().readAllBytes()).hasSize(64);
    }

    @Test
    void aBodyOfItsDeclaredLengthIsHandedOnWhole() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = post(new Arriving(700, () -> { }), chain, 700);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest().getInputStream().readAllBytes()).hasSize(700);
        assertThat(chain.getRequest().getContentLengthLong()).isEqualTo(700);
    }

    @Test
    void aBodyDeclaredLargerThanWhatIsAllocatedBeforeItArrivesIsHandedOnWhole() throws Exception {
        RequestBodyLimit larger = new RequestBodyLimit(1024 * 1024, Duration.ofSeconds(30), new ObjectMapper(), now::get);
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/agreements");
        byte[] body = "y".repeat(300_000).getBytes(StandardCharsets.US_ASCII);
        request.setContent(body);

        larger.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest().getInputStream().readAllBytes()).isEqualTo(body);
    }

    @Test
    void aBodyLongerThanItsDeclaredLengthIsStillHeldToTheLimit() throws Exception {
        // the container stops at the declared length; the filter does not count on it
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = post(new Arriving(5000, () -> { }), chain, 10);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentAsString()).contains("\"maxBytes\":1024");
        assertThat(chain.getRequest()).as("nothing behind the filter saw it").isNull();
    }

    @Test
    void aBodyLongerThanItsDeclaredLengthButWithinTheLimitIsHandedOnAsItArrived() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = post(new Arriving(900, () -> { }), chain, 10);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest().getInputStream().readAllBytes()).hasSize(900);
    }

    private MockHttpServletResponse post(ServletInputStream body, MockFilterChain chain) throws Exception {
        return post(body, chain, -1);
    }

    private MockHttpServletResponse post(ServletInputStream body, MockFilterChain chain, long declaredLength)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/agreements") {
            @Override
            public ServletInputStream getInputStream() {
                return body;
            }

            @Override
            public long getContentLengthLong() {
                return declaredLength;
            }
        };
        MockHttpServletResponse response = new MockHttpServletResponse();
        limit.doFilter(request, response, chain);
        return response;
    }

    private interface BeforeEachByte {
        void run() throws SocketTimeoutException;
    }

    /** A body of {@code size} bytes that arrives one byte per read, each after {@code wait}. */
    private static final class Arriving extends ServletInputStream {
        private final byte[] bytes;
        private final BeforeEachByte wait;
        private int next;

        Arriving(int size, BeforeEachByte wait) {
            this.bytes = "x".repeat(size).getBytes(StandardCharsets.US_ASCII);
            this.wait = wait;
        }

        @Override
        public int read() throws java.io.IOException {
            if (next == bytes.length) {
                return -1;
            }
            wait.run();
            return bytes[next++];
        }

        @Override
        public int read(byte[] into, int offset, int length) throws java.io.IOException {
            int one = read();
            if (one < 0) {
                return -1;
            }
            into[offset] = (byte) one;
            return 1;
        }

        @Override
        public boolean isFinished() {
            return next == bytes.length;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}
