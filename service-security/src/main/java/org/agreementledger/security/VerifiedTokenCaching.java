package org.agreementledger.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import java.time.Clock;

/** Puts {@link VerifiedTokens} in front of the service's token decoder, unless {@code ledger.security.verified-tokens} is 0. */
class VerifiedTokenCaching implements BeanPostProcessor, Ordered {

    private final Environment environment;

    VerifiedTokenCaching(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof JwtDecoder decoder) || bean instanceof VerifiedTokens) {
            return bean;
        }
        // bound here, not injected: a post-processor is made before the configuration properties beans
        LedgerSecurityProperties properties = Binder.get(environment).bindOrCreate("ledger.security", LedgerSecurityProperties.class);
        if (properties.verifiedTokens() == 0) {
            return bean;
        }
        return new VerifiedTokens(decoder, properties.verifiedTokens(), properties.verifiedTokensTtl(), Clock.systemUTC());
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
