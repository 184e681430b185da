package org.agreementledger.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Pins the issuer a token must name ({@code ledger.security.expected-issuer}) whichever way the decoder was set up:
 * Spring Boot validates {@code iss} only when it discovers keys through {@code issuer-uri}, not for a public key file.
 */
class IssuerValidation implements BeanPostProcessor, Ordered {

    private final Environment environment;

    IssuerValidation(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        String issuer = environment.getProperty("ledger.security.expected-issuer");
        if (bean instanceof NimbusJwtDecoder decoder && issuer != null && !issuer.isBlank()) {
            decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuer));
        }
        return bean;
    }

    /** Before the decoder is wrapped ({@link VerifiedTokenCaching}), which would hide it. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
