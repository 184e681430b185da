package org.agreementledger.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-02T15:00:00Z");

    private final AtomicInteger verifications = new AtomicInteger();
    private Instant now = NOW;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /** Verifies as a decoder would: a token "expired" was rejected, any other is valid until NOW + 2 minutes. */
    private final JwtDecoder decoder = token -> {
        verifications.incrementAndGet();
        if (token.startsWith("forged")) {
            throw new BadJwtException("An error occurred while attempting to decode the Jwt: Signed JWT rejected");
        }
        return Jwt.withTokenValue(token).header("alg", "RS256").subject("client").issuedAt(NOW.minusSeconds(10))
                .expiresAt(NOW.plus(Duration.ofMinutes(2))).build();
    };

    @Test
    void aClientSendingTheSameTokenAgainIsNotVerifiedAgain() {
        VerifiedTokens tokens = new VerifiedTokens(decoder, 100, Duration.ofMinutes(5), clock);

        Jwt first = tokens.decode("token-a");
        Jwt again = tokens.decode("token-a");

        assertThat(again).isSameAs(first);
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aRememberedTokenIsRefusedFromTheMomentItExpires() {
        VerifiedTokens tokens = new VerifiedTokens(decoder, 100, Duration.ofMinutes(5), clock);
        tokens.decode("token-a");

        now = NOW.plus(Duration.ofMinutes(2)).plusSeconds(59);
        assertThat(tokens.decode("token-a").getSubject()).as("within the decoder's 60 s of clock skew").isEqualTo("client");

        now = NOW.plus(Duration.ofMinutes(3)).plusSeconds(1);
        assertThatThrownBy(() -> tokens.decode("token-a")).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aTokenThatDidNotVerifyIsNeverRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(decoder, 100, Duration.ofMinutes(5), clock);

        assertThatThrownBy(() -> tokens.decode("forged-1")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("forged-1")).isInstanceOf(BadJwtException.class);

        assertThat(verifications).hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void noMoreTokensAreRememberedThanConfigured() {
        VerifiedTokens tokens = new VerifiedTokens(decoder, 3, Duration.ofMinutes(5), clock);

        for (int i = 0; i < 50; i++) {
            tokens.decode("token-" + i);
        }

        assertThat(tokens.size()).isLessThanOrEqualTo(3);
    }
}
