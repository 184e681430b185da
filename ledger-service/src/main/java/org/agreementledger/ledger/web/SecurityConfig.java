package org.agreementledger.ledger.web;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.agreementledger.security.LedgerJwtConverter;
import org.agreementledger.security.ProblemAuthenticationHandlers;
import org.agreementledger.security.Roles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.agreementledger.security.LedgerSecurityAutoConfiguration.OPEN_PATHS;
import static org.agreementledger.security.LedgerSecurityAutoConfiguration.bearerTokens;

/**
 * Who may call what: commands need a country service's {@code ledger.write}; reads are open to country services,
 * auditors and dashboards (the aggregate then decides which country may act on which agreement).
 */
@Configuration
@OpenAPIDefinition(info = @Info(title = "Agreement Ledger — ledger-service", version = "1",
        description = "Commands on agreements between governments on migration; every event is recorded and published."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "A token from the configured identity provider; locally: the tokens the local stack prints")
class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http, LedgerJwtConverter converter, ProblemAuthenticationHandlers problems)
            throws Exception {
        return bearerTokens(http, converter, problems)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(OPEN_PATHS).permitAll()
                        .requestMatchers(HttpMethod.GET, "/.well-known/ledger-keys", "/log/key", "/log/keys").permitAll()
                        .requestMatchers(HttpMethod.POST, "/admin/keys/rotation").hasAuthority(Roles.ADMIN)
                        .requestMatchers(HttpMethod.POST, "/log/cosignatures").hasAnyAuthority(Roles.ADMIN, Roles.AUDIT)
                        .requestMatchers(HttpMethod.POST, "/admin/checkpoints", "/admin/log/checkpoints")
                        .hasAnyAuthority(Roles.ADMIN, Roles.AUDIT)
                        .requestMatchers(HttpMethod.GET, "/log/**")
                        .hasAnyAuthority(Roles.ADMIN, Roles.AUDIT, Roles.READ, Roles.WRITE)
                        .requestMatchers(HttpMethod.GET, "/checkpoints/latest")
                        .hasAnyAuthority(Roles.ADMIN, Roles.AUDIT, Roles.READ)
                        .requestMatchers(HttpMethod.POST, "/agreements", "/agreements/**").hasAuthority(Roles.WRITE)
                        .requestMatchers(HttpMethod.GET, "/agreements/**")
                        .hasAnyAuthority(Roles.WRITE, Roles.AUDIT, Roles.READ)
                        .requestMatchers("/actuator/**").hasAuthority(Roles.ADMIN)
                        .anyRequest().denyAll())
                .build();
    }
}
