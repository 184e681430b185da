package org.agreementledger.security;

import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a verified token into the caller's authorities: one per known role, from the configured roles claim or
 * Keycloak's {@code realm_access.roles}. A country claim that is not ISO 3166-1 alpha-2 makes the token invalid, and so
 * does a subject that every event could not record as its principal: missing, longer than
 * {@link ContractLimits#MAX_PRINCIPAL_LENGTH}, or {@link ContractLimits#unholdable}.
 */
public class LedgerJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private static final List<String> KNOWN = List.of(Roles.WRITE, Roles.AUDIT, Roles.READ, Roles.ADMIN);

    private final LedgerSecurityProperties properties;

    public LedgerJwtConverter(LedgerSecurityProperties properties) {
        this.properties = properties;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty()) {
            throw new InvalidBearerTokenException("the token has no subject (sub) to record as the principal of its events");
        }
        if (subject.length() > ContractLimits.MAX_PRINCIPAL_LENGTH) {
            throw new InvalidBearerTokenException("the token's subject (sub) has " + subject.length()
                    + " characters; a principal has at most " + ContractLimits.MAX_PRINCIPAL_LENGTH);
        }
        String unholdable = ContractLimits.unholdable(subject);
        if (unholdable != null) {
            throw new InvalidBearerTokenException("the token's subject (sub) " + unholdable);
        }
        Collection<String> claimed = new ArrayList<>(stringsOf(jwt.getClaim(properties.rolesClaim())));
        if (jwt.getClaim("realm_access") instanceof Map<?, ?> realm) {
            claimed.addAll(stringsOf(realm.get("roles")));
        }
        List<GrantedAuthority> authorities = claimed.stream().filter(KNOWN::contains).distinct()
                .map(SimpleGrantedAuthority::new).map(GrantedAuthority.class::cast).toList();
        Map<String, Object> attributes = new HashMap<>(jwt.getClaims());
        String country = jwt.getClaimAsString(properties.countryClaim());
        if (country != null) {
            if (!CountryCode.isKnown(country)) {
                throw new InvalidBearerTokenException("the token's country claim '" + country + "' is not ISO 3166-1 alpha-2");
            }
            attributes.put(Caller.COUNTRY_ATTRIBUTE, country);
        }
        Jwt withCountry = new Jwt(jwt.getTokenValue(), jwt.getIssuedAt(), jwt.getExpiresAt(), jwt.getHeaders(), attributes);
        return new JwtAuthenticationToken(withCountry, authorities, subject);
    }

    private static List<String> stringsOf(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(Object::toString).toList();
        }
        if (claim instanceof String value) {
            return List.of(value.split("[ ,]+"));
        }
        return List.of();
    }
}
