package org.agreementledger.security;

import org.agreementledger.contract.CountryCode;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling, from the verified token only: its principal, the country it acts for (none for auditors
 * and dashboards), and its roles.
 */
public record Caller(String principal, Optional<CountryCode> country, Set<String> roles) {

    public static final String COUNTRY_ATTRIBUTE = "ledger.country";

    public boolean has(String role) {
        return roles.contains(role);
    }

    public boolean readsEverything() {
        return has(Roles.AUDIT) || has(Roles.READ) || has(Roles.ADMIN);
    }

    /** The caller of the current request, if it authenticated. */
    public static Optional<Caller> current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    public static Optional<Caller> of(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken jwt) || !authentication.isAuthenticated()) {
            return Optional.empty();
        }
        Set<String> roles = new TreeSet<>();
        for (GrantedAuthority authority : jwt.getAuthorities()) {
            roles.add(authority.getAuthority());
        }
        Object country = jwt.getTokenAttributes().get(COUNTRY_ATTRIBUTE);
        return Optional.of(new Caller(jwt.getName(),
                Optional.ofNullable(country).map(Object::toString).map(CountryCode::of), roles));
    }
}
