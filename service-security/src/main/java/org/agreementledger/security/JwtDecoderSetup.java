package org.agreementledger.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
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

    private final ObjectProvider<LedgerSecurityProperties> settings;

    JwtDecoderSetup(ObjectProvider<LedgerSecurityProperties> settings) {
        this.settings = settings;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof JwtDecoder decoder) || bean instanceof VerifiedTokens) {
            return bean;
        }
        // looked up now, not injected: a post-processor is made before the configuration properties' binder is ready
        LedgerSecurityProperties properties = settings.getObject();
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
