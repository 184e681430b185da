package org.agreementledger.projection.access;

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

/** Views are read by country services (their own agreements), auditors and dashboards (everything). */
@Configuration
@OpenAPIDefinition(info = @Info(title = "Agreement Ledger — projection-service", version = "1",
        description = "Current-state views built only from the ledger.agreement-events topic."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
class SecurityConfig {

    @Bean
    SecurityFilterChain views(HttpSecurity http, LedgerJwtConverter converter, ProblemAuthenticationHandlers problems)
            throws Exception {
        return bearerTokens(http, converter, problems)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(OPEN_PATHS).permitAll()
                        // the dashboard page holds no data; it reads everything with the viewer's token
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/dashboard.js", "/dashboard.css", "/favicon.ico")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/agreements", "/agreements/**", "/transfers", "/countries/**", "/live/**")
                        .hasAnyAuthority(Roles.WRITE, Roles.AUDIT, Roles.READ)
                        .requestMatchers(HttpMethod.GET, "/audit/**").hasAnyAuthority(Roles.AUDIT, Roles.ADMIN)
                        .requestMatchers("/admin/**", "/actuator/**").hasAuthority(Roles.ADMIN)
                        .anyRequest().denyAll())
                .build();
    }
}
