package org.agreementledger.security;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Which claims of the bearer token name the caller. The token itself is checked by Spring Boot's standard
 * resource-server settings ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or
 * {@code public-key-location}).
 *
 * @param rolesClaim   top-level claim holding the roles (1 to 200 characters); Keycloak's {@code realm_access.roles} is
 *                     read as well
 * @param countryClaim claim holding the caller's ISO 3166-1 alpha-2 country (1 to 200 characters)
 * @param expectedIssuer the {@code iss} every token must carry (up to 2,000 characters; unset or blank: not checked);
 *                       checked whichever way keys are configured
 * @param verifiedTokens how many verified tokens are remembered so that they are not verified again (0 to 100,000;
 *                       0 verifies every request's token); see {@link VerifiedTokens}
 * @param verifiedTokensTtl how long a verified token is remembered at most (1 s to 1 h), whatever its expiry
 */
@ConfigurationProperties("ledger.security")
@Validated
public record LedgerSecurityProperties(
        @DefaultValue("roles") @NotBlank @Size(max = 200) String rolesClaim,
        @DefaultValue("country") @NotBlank @Size(max = 200) String countryClaim,
        @Size(max = 2_000) String expectedIssuer,
        @DefaultValue("1000") @Min(0) @Max(100_000) int verifiedTokens,
        @DefaultValue("5m") @DurationMin(seconds = 1) @DurationMax(hours = 1) Duration verifiedTokensTtl) {
}
