package org.agreementledger.client.contract;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An {@link HttpClient} that checks every answer against an API document before its caller reads it, so any client
 * built on java.net.http — the generated one included — is held to the document without a line of its own. An
 * answer the document does not describe fails with an {@link AssertionError}. Only {@link #send} is checked; a live
 * subscription (an SSE stream, which never ends), the services' own infrastructure ({@code /actuator},
 * {@code /v3/api-docs}, Swagger UI) and the dashboard's static files pass unchecked.
 */
public final class ValidatingHttpClient extends HttpClient {

    private static final Pattern STATIC_FILE = Pattern.compile(".*\\.(html|js|css|ico|png|svg)$");

    private final HttpClient delegate;
    private final Function<URI, ApiDocument> documents;
    private final AtomicInteger validated;

    /** @param validated counts the answers checked, for a test to see that they were */
    public ValidatingHttpClient(HttpClient delegate, ApiDocument document, AtomicInteger validated) {
        this(delegate, uri -> document, validated);
    }

    /**
     * For a caller of several services: {@code documents} gives the document of the service a request goes to (by its
     * address, e.g. its port).
     */
    public ValidatingHttpClient(HttpClient delegate, Function<URI, ApiDocument> documents, AtomicInteger validated) {
        this.delegate = delegate;
        this.documents = documents;
        this.validated = validated;
    }

    /**
     * A builder whose {@code build()} gives a validating client, for clients that take an {@code HttpClient.Builder}
     * (the generated one builds a client per API class); all its clients count into {@code validated}.
     */
    public static HttpClient.Builder builder(ApiDocument document, AtomicInteger validated) {
        HttpClient.Builder delegate = HttpClient.newBuilder();
        return new HttpClient.Builder() {
            @Override
            public Builder cookieHandler(CookieHandler cookieHandler) {
                delegate.cookieHandler(cookieHandler);
                return this;
            }

            @Override
            public Builder connectTimeout(Duration duration) {
                delegate.connectTimeout(duration);
                return this;
            }

            @Override
            public Builder sslContext(SSLContext sslContext) {
                delegate.sslContext(sslContext);
                return this;
            }

            @Override
            public Builder sslParameters(SSLParameters sslParameters) {
                delegate.sslParameters(sslParameters);
                return this;
            }

            @Override
            public Builder executor(Executor executor) {
                delegate.executor(executor);
                return this;
            }

            @Override
            public Builder followRedirects(Redirect policy) {
                delegate.followRedirects(policy);
                return this;
            }

            @Override
            public Builder version(Version version) {
                delegate.version(version);
                return this;
            }

            @Override
            public Builder priority(int priority) {
                delegate.priority(priority);
                return this;
            }

            @Override
            public Builder proxy(ProxySelector proxySelector) {
                delegate.proxy(proxySelector);
                return this;
            }

            @Override
            public Builder authenticator(Authenticator authenticator) {
                delegate.authenticator(authenticator);
                return this;
            }

            @Override
            public HttpClient build() {
                return new ValidatingHttpClient(delegate.build(), document, validated);
            }
        };
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        String path = request.uri().getRawPath();
        if (unchecked(request)) {
            return delegate.send(request, handler);
        }
        HttpResponse<byte[]> answer = delegate.send(request, HttpResponse.BodyHandlers.ofByteArray());
        documents.apply(request.uri()).assertMatches(request.method(), request.uri().getRawPath(), new Answer<>(answer,
                new String(answer.body(), StandardCharsets.UTF_8)));
        validated.incrementAndGet();
        return new Answer<>(answer, bodyAs(handler, answer));
    }

    /** The services' infrastructure, the dashboard's static files and live streams: no operation of the API. */
    private static boolean unchecked(HttpRequest request) {
        String path = request.uri().getRawPath();
        return path.startsWith("/actuator") || path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui")
                || path.startsWith("/live/") || path.equals("/") || STATIC_FILE.matcher(path).matches()
                || request.headers().allValues("Accept").stream().anyMatch(accept -> accept.contains("text/event-stream"));
    }

    /** The bytes already read, given to the caller's body handler as if they came from the connection. */
    private static <T> T bodyAs(HttpResponse.BodyHandler<T> handler, HttpResponse<byte[]> answer) throws IOException {
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return answer.statusCode();
            }

            @Override
            public HttpHeaders headers() {
                return answer.headers();
            }

            @Override
            public Version version() {
                return answer.version();
            }
        });
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public synchronized void request(long n) {
                if (!done && n > 0) {
                    done = true;
                    subscriber.onNext(List.of(ByteBuffer.wrap(answer.body())));
                    subscriber.onComplete();
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
        try {
            return subscriber.getBody().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** The delegate's answer with another body. */
    private record Answer<T>(HttpResponse<byte[]> answer, T body) implements HttpResponse<T> {

        @Override
        public int statusCode() {
            return answer.statusCode();
        }

        @Override
        public HttpRequest request() {
            return answer.request();
        }

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return answer.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return answer.sslSession();
        }

        @Override
        public URI uri() {
            return answer.uri();
        }

        @Override
        public Version version() {
            return answer.version();
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        throw new UnsupportedOperationException("only send is validated");
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        throw new UnsupportedOperationException("only send is validated");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
