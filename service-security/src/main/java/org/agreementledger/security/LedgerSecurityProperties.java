package org.agreementledger.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Which claims of the bearer token name the caller. The token itself is checked by Spring Boot's standard
 * resource-server settings ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or
 * {@code public-key-location}).
 *
 * @param rolesClaim   top-level claim holding the roles; Keycloak's {@code realm_access.roles} is read as well
 * @param countryClaim claim holding the caller's ISO 3166-1 alpha-2 country
 * @param expectedIssuer the {@code iss} every token must carry; checked whichever way keys are configured
 * @param verifiedTokens how many verified tokens are remembered so that they are not verified again (0 to 100,000;
 *                       0 verifies every request's token); see {@link VerifiedTokens}
 * @param verifiedTokensTtl how long a verified token is remembered at most (1 s to 1 h), whatever its expiry
 */
@ConfigurationProperties("ledger.security")
public record LedgerSecurityProperties(
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("country") String countryClaim,
        String expectedIssuer,
        @DefaultValue("1000") int verifiedTokens,
        @DefaultValue("5m") Duration verifiedTokensTtl) {

    public LedgerSecurityProperties {
        if (verifiedTokens < 0 || verifiedTokens > 100_000) {
            throw new IllegalArgumentException("ledger.security.verified-tokens must be 0 (off) to 100000, got " + verifiedTokens);
        }
        if (verifiedTokensTtl.compareTo(Duration.ofSeconds(1)) < 0 || verifiedTokensTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("ledger.security.verified-tokens-ttl must be 1s to 1h, got " + verifiedTokensTtl);
        }
    }
}
