package org.agreementledger.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.firewall.HttpFirewall;

/** The pieces of resource-server security both services share; each service writes its own URL rules. */
@AutoConfiguration
@EnableConfigurationProperties(LedgerSecurityProperties.class)
public class LedgerSecurityAutoConfiguration {

    @Bean
    static JwtDecoderSetup jwtDecoderSetup(ObjectProvider<LedgerSecurityProperties> settings) {
        return new JwtDecoderSetup(settings);
    }

    /** The verified-token cache's hits, misses and size, when the decoder has one. */
    @Bean
    MeterBinder verifiedTokenMetrics(ObjectProvider<JwtDecoder> decoder) {
        return meters -> decoder.ifAvailable(d -> {
            if (d instanceof VerifiedTokens tokens) {
                tokens.monitor(meters);
            }
        });
    }

    /**
     * Spring Security observes nothing: its observations timed every filter of the chain twice, the authentication and
     * the authorisation, about 5 % of the ledger's CPU per command (docs/benchmarks.md, run V), for metrics no
     * dashboard or alert reads and spans that only nested the request's. Each request is still timed once
     * ({@code http.server.requests}) and traced once, with its command inside it.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's strict firewall, its header rules checked without regular expressions (see HeaderRules). */
    @Bean
    @ConditionalOnMissingBean
    HttpFirewall httpFirewall() {
        return HeaderRules.firewall();
    }

    @Bean
    LedgerJwtConverter ledgerJwtConverter(LedgerSecurityProperties properties) {
        return new LedgerJwtConverter(properties);
    }

    @Bean
    ProblemAuthenticationHandlers problemAuthenticationHandlers(ObjectMapper json) {
        return new ProblemAuthenticationHandlers(json);
    }

    /**
     * Stateless bearer-token security with problem responses; the caller adds its authorisation rules. Health,
     * Prometheus and the API documentation stay open (restrict them at the network edge if needed).
     */
    public static HttpSecurity bearerTokens(HttpSecurity http, LedgerJwtConverter converter,
                                            ProblemAuthenticationHandlers problems) throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenResolver(headerOrQueryParameter())
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
    }

    /**
     * The Authorization header, or for GET an {@code access_token} query parameter (RFC 6750 §2.3): a browser's
     * EventSource cannot send headers. Use read-only tokens in URLs; they can end up in logs.
     */
    private static BearerTokenResolver headerOrQueryParameter() {
        DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
        resolver.setAllowUriQueryParameter(true);
        return new BearerTokenHeader(resolver);
    }

    /** Paths anyone may read: health and metrics for the operator's network, the API documentation. */
    public static final String[] OPEN_PATHS = {"/actuator/health", "/actuator/health/**", "/actuator/prometheus",
            "/actuator/info", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error"};
}
