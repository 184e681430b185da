package org.agreementledger.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.time.Clock;

/**
 * The service's token decoder as Spring Boot made it, then set up the ledger's way: the issuer a token must name is
 * pinned ({@code ledger.security.expected-issuer}; Spring Boot validates {@code iss} only when it discovers keys
 * through {@code issuer-uri}, not for a public key file), and {@link VerifiedTokens} is put in front of it unless
 * {@code ledger.security.verified-tokens} is 0.
 */
class JwtDecoderSetup implements BeanPostProcessor {

    private final Environment environment;

    JwtDecoderSetup(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof JwtDecoder decoder) || bean instanceof VerifiedTokens) {
            return bean;
        }
        // bound here, not injected: a post-processor is made before the configuration properties beans
        LedgerSecurityProperties properties = Binder.get(environment).bindOrCreate("ledger.security", LedgerSecurityProperties.class);
        String issuer = properties.expectedIssuer();
        if (decoder instanceof NimbusJwtDecoder nimbus && issuer != null && !issuer.isBlank()) {
            nimbus.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
        }
        if (properties.verifiedTokens() == 0) {
            return decoder;
        }
        return new VerifiedTokens(decoder, properties.verifiedTokens(), properties.verifiedTokensTtl(), Clock.systemUTC());
    }
}
