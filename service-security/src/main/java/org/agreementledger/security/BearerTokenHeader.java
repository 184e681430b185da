package org.agreementledger.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Spring Security's bearer-token resolver, with the common case read by hand: an {@code Authorization: Bearer …}
 * header that {@code ^Bearer (?<token>[a-zA-Z0-9-._~+/]+=*)$} (case-insensitive) matches, on a request that cannot
 * carry an {@code access_token} parameter too, yields its token without that expression, which the ledger's profile
 * showed checking the token's 800 characters one by one. Every other request, well formed or not, is left to Spring's
 * resolver, which decides what it means and how it is refused. BearerTokenHeaderTest holds the two alike.
 */
final class BearerTokenHeader implements BearerTokenResolver {

    private static final String PREFIX = "Bearer ";

    private final DefaultBearerTokenResolver standard;

    BearerTokenHeader(DefaultBearerTokenResolver standard) {
        this.standard = standard;
    }

    @Override
    public String resolve(HttpServletRequest request) {
        String token = wellFormedToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token != null && !mayCarryAParameterToken(request)) {
            return token;
        }
        return standard.resolve(request);
    }

    /** A query string naming the parameter, or a form body: there Spring also looks for a second token. */
    private static boolean mayCarryAParameterToken(HttpServletRequest request) {
        String query = request.getQueryString();
        String type = request.getContentType();
        return query != null && query.contains("access_token")
                || type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
    }

    /** The token, if the header is exactly the prefix, token characters, then any '=' padding; otherwise null. */
    private static String wellFormedToken(String authorization) {
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        int end = authorization.length();
        while (end > PREFIX.length() && authorization.charAt(end - 1) == '=') {
            end--;
        }
        if (end == PREFIX.length()) {
            return null;
        }
        for (int i = PREFIX.length(); i < end; i++) {
            if (!isTokenCharacter(authorization.charAt(i))) {
                return null;
            }
        }
        return authorization.substring(PREFIX.length());
    }

    private static boolean isTokenCharacter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }
}
