package org.agreementledger.security.web;


import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.apache.catalina.core.StandardHost;

/** What both services do with hostile or broken requests before and around their controllers. */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class)
@EnableConfigurationProperties(HttpLimitsProperties.class)
public class LedgerWebAutoConfiguration {

    /** Runs first of all filters, even before authentication: an oversized body is refused unread. */
    @Bean
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(HttpLimitsProperties limits, ObjectMapper json) {
        FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
                new RequestBodyLimit(limits.maxRequestBody().toBytes(), limits.maxBodyReadTime(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Next, still before authentication: which of two tokens, types or keys was meant is not guessed. */
    @Bean
    FilterRegistrationBean<RepeatedHeaders> repeatedHeaders(ObjectMapper json) {
        FilterRegistrationBean<RepeatedHeaders> registration = new FilterRegistrationBean<>(new RepeatedHeaders(json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    StrictJsonBodies strictJsonBodies() {
        return new StrictJsonBodies();
    }

    @Bean
    ProblemErrorController problemErrorController() {
        return new ProblemErrorController();
    }

    @Bean
    WebMvcConfigurer pathIdsAndUnknownParameters(ObjectMapper json) {
        PathIds pathIds = new PathIds(json);
        UnknownParameters unknownParameters = new UnknownParameters(json);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(pathIds);
                registry.addInterceptor(unknownParameters);
            }
        };
    }

    @Bean
    RequestProblems requestProblems() {
        return new RequestProblems();
    }

    @Bean
    DatabaseFailures databaseFailures() {
        return new DatabaseFailures();
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorPages() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorPages.class.getName());
            }
        });
    }
}
