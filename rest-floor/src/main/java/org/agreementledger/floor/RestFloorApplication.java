package org.agreementledger.floor;

import org.agreementledger.security.LedgerJwtConverter;
import org.agreementledger.security.ProblemAuthenticationHandlers;
import org.agreementledger.security.Roles;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.agreementledger.security.LedgerSecurityAutoConfiguration.OPEN_PATHS;
import static org.agreementledger.security.LedgerSecurityAutoConfiguration.bearerTokens;

/**
 * The REST floor of the benchmark (issue 12): what the ledger's web stack costs with nothing behind it but one
 * durable row. Same Spring Boot, Tomcat, Spring Security, JWT validation and problem answers as the ledger
 * (service-security), same rule for {@code POST /agreements} (a country service's {@code ledger.write}).
 */
@SpringBootApplication
public class RestFloorApplication {

    public static void main(String[] args) {
        SpringApplication.run(RestFloorApplication.class, args);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, LedgerJwtConverter converter, ProblemAuthenticationHandlers problems)
            throws Exception {
        return bearerTokens(http, converter, problems)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(OPEN_PATHS).permitAll()
                        .requestMatchers(HttpMethod.POST, "/agreements").hasAuthority(Roles.WRITE)
                        .anyRequest().denyAll())
                .build();
    }
}
