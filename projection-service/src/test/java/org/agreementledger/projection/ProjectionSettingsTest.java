package org.agreementledger.projection;

import org.agreementledger.projection.asof.AsOfProperties;
import org.agreementledger.projection.consumer.ConsumerProperties;
import org.agreementledger.projection.live.LiveProperties;
import org.agreementledger.projection.rebuild.RebuildProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every setting of the projection is bound and checked at start: one outside its documented bound stops the start, and
 * the report names it and the bound, as Spring Boot prints it under "APPLICATION FAILED TO START". (The security and
 * web limits it shares with the ledger are covered by the ledger's LedgerSettingsTest.)
 */
class ProjectionSettingsTest {

    private static final List<FailureAnalyzer> ANALYZERS = SpringFactoriesLoader
            .forDefaultResourceLocation(ProjectionSettingsTest.class.getClassLoader())
            .load(FailureAnalyzer.class, ArgumentResolver.none(), FailureHandler.handleMessage((message, failure) -> { }));

    private final ApplicationContextRunner projection =
            new ApplicationContextRunner().withUserConfiguration(EverySetting.class);

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan("org.agreementledger.projection")
    static class EverySetting {
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            projection.kafka.bootstrap-servers            | ''         | must not be blank
            projection.kafka.topic                        | events all | must match
            projection.kafka.group-id                     | ''         | must not be blank
            projection.kafka.poll-timeout                 | 0s         | longer than or equal to 1 milli
            projection.kafka.poll-timeout                 | 2m         | shorter than or equal to 1 minute
            projection.kafka.session-timeout              | 5999ms     | longer than or equal to 6 seconds
            projection.kafka.session-timeout              | 31m        | shorter than or equal to 30 minutes
            projection.bulk.statement-timeout             | 999ms      | longer than or equal to 1 second
            projection.bulk.statement-timeout             | 2d         | shorter than or equal to 1 day
            projection.lag.refresh-interval               | 99ms       | longer than or equal to 100 millis
            projection.readiness.max-lag                  | -1         | greater than or equal to 0
            projection.readiness.max-oldest-unapplied-age | 2d         | shorter than or equal to 1 day
            projection.readiness.stall-after              | -1s        | longer than or equal to 0
            projection.rebuild.parallelism                | 0          | greater than or equal to 1
            projection.rebuild.parallelism                | 65         | less than or equal to 64
            projection.rebuild.old-views-lock-wait        | 0s         | longer than or equal to 1 milli
            projection.rebuild.old-views-lock-wait        | 2h         | shorter than or equal to 1 hour
            projection.as-of.max-concurrent               | 0          | greater than or equal to 1
            projection.as-of.max-concurrent               | 101        | less than or equal to 100
            projection.live.max-subscribers               | 0          | greater than or equal to 1
            projection.live.max-subscribers               | 100001     | less than or equal to 100000
            projection.live.heartbeat                     | 0s         | longer than or equal to 1 second
            projection.live.heartbeat                     | 11m        | shorter than or equal to 10 minutes
            projection.country-commitments-topic          | views/all  | must match
            """)
    void aSettingOutsideItsBoundStopsTheStartNamingTheSettingAndItsBound(String setting, String value, String bound) {
        // Spring Boot's "Property:" line names a record's component as in Java (pollTimeout); "Origin:" as written
        assertThat(startFailure(setting + "=" + value)).contains("Origin: \"" + setting + "\"").contains(bound);
    }

    @Test
    void everySettingAtEitherEndOfItsBoundStarts() {
        projection.withPropertyValues("projection.kafka.poll-timeout=1ms", "projection.kafka.session-timeout=6s",
                        "projection.bulk.statement-timeout=1s", "projection.lag.refresh-interval=100ms",
                        "projection.readiness.max-lag=0", "projection.readiness.max-oldest-unapplied-age=0s",
                        "projection.readiness.stall-after=0s", "projection.rebuild.parallelism=1",
                        "projection.rebuild.old-views-lock-wait=1ms", "projection.as-of.max-concurrent=1",
                        "projection.live.max-subscribers=1", "projection.live.heartbeat=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ConsumerProperties.class).pollTimeout()).isEqualTo(Duration.ofMillis(1));
                    assertThat(context.getBean(RebuildProperties.class).parallelism()).isOne();
                    assertThat(context.getBean(LiveProperties.class).maxSubscribers()).isOne();
                });
        projection.withPropertyValues("projection.kafka.topic=" + "t".repeat(249), "projection.kafka.poll-timeout=1m",
                        "projection.kafka.session-timeout=30m", "projection.bulk.statement-timeout=1d",
                        "projection.lag.refresh-interval=10m", "projection.readiness.max-lag=1000000000",
                        "projection.readiness.max-oldest-unapplied-age=1d", "projection.readiness.stall-after=1d",
                        "projection.rebuild.parallelism=64", "projection.rebuild.old-views-lock-wait=1h",
                        "projection.as-of.max-concurrent=100", "projection.live.max-subscribers=100000",
                        "projection.live.heartbeat=10m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ConsumerProperties.class).sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(context.getBean(AsOfProperties.class).maxConcurrent()).isEqualTo(100);
                    assertThat(context.getBean(LiveProperties.class).heartbeat()).isEqualTo(Duration.ofMinutes(10));
                });
    }

    /** What Spring Boot reports when the projection's settings are {@code setting}: the first analysis of its failure. */
    private String startFailure(String setting) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        projection.withPropertyValues(setting).run(context -> failure.set(context.getStartupFailure()));
        assertThat(failure.get()).as("the start with " + setting).isNotNull();
        FailureAnalysis analysis = ANALYZERS.stream().map(analyzer -> analyzer.analyze(failure.get()))
                .filter(Objects::nonNull).findFirst().orElseThrow();
        return analysis.getDescription();
    }
}
