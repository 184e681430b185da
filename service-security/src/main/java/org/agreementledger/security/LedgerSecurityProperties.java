package org.agreementledger.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which claims of the bearer token name the caller. The token itself is checked by Spring Boot's standard
 * resource-server settings ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or
 * {@code public-key-location}).
 *
 * @param rolesClaim   top-level claim holding the roles; Keycloak's {@code realm_access.roles} is read as well
 * @param countryClaim claim holding the caller's ISO 3166-1 alpha-2 country
 * @param expectedIssuer the {@code iss} every token must carry; checked whichever way keys are configured
 */
@ConfigurationProperties("ledger.security")
public record LedgerSecurityProperties(
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("country") String countryClaim,
        String expectedIssuer) {
}
