package org.agreementledger.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Clock;
import java.time.Duration;

/**
 * Remembers the bearer tokens that were decoded and validated, so that a client sending the same token again (as a
 * service client does for the token's whole life) is not verified again: the RSA signature and the Base64 of an
 * 800-character token were a quarter of the ledger's CPU per request (docs/benchmarks.md, run K's profile). What can
 * change with time is checked on every request all the same: a remembered token is refused from the moment it
 * expires, with the decoder's own clock skew. Only tokens that verified are remembered, at most {@code size} of them
 * and each for at most {@code ttl}, the time the decoder caches the JWK set: a key withdrawn from the identity
 * provider's key set stops its tokens as soon as without this cache.
 */
final class VerifiedTokens implements JwtDecoder {

    /** Spring Security's default, as the decoder's own timestamp validator uses it. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final JwtDecoder decoder;
    private final JwtTimestampValidator stillValid;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(JwtDecoder decoder, int size, Duration ttl, Clock clock) {
        this.decoder = decoder;
        this.stillValid = new JwtTimestampValidator(CLOCK_SKEW);
        this.stillValid.setClock(clock);
        this.verified = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(ttl).recordStats().build();
    }

    @Override
    public Jwt decode(String token) {
        Jwt remembered = verified.getIfPresent(token);
        if (remembered == null) {
            Jwt jwt = decoder.decode(token);
            verified.put(token, jwt);
            return jwt;
        }
        OAuth2TokenValidatorResult result = stillValid.validate(remembered);
        if (result.hasErrors()) {
            verified.invalidate(token);
            throw new JwtValidationException("An error occurred while attempting to decode the Jwt: "
                    + result.getErrors().iterator().next().getDescription(), result.getErrors());
        }
        return remembered;
    }

    /** Hits, misses, evictions and size, as {@code cache_*{cache="verified-tokens"}}. */
    void monitor(MeterRegistry meters) {
        CaffeineCacheMetrics.monitor(meters, verified, "verified-tokens");
    }

    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
