package org.agreementledger.ledger;

import org.agreementledger.ledger.audit.CheckpointProperties;
import org.agreementledger.ledger.web.IdempotencyProperties;
import org.agreementledger.security.LedgerSecurityProperties;
import org.agreementledger.security.web.HttpLimitsProperties;
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
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every setting of the ledger (and of the security and web limits it shares with the projection) is bound and checked
 * at start: one outside its documented bound stops the start, and the report names it and the bound, as Spring Boot
 * prints it under "APPLICATION FAILED TO START".
 */
class LedgerSettingsTest {

    private static final List<FailureAnalyzer> ANALYZERS = SpringFactoriesLoader
            .forDefaultResourceLocation(LedgerSettingsTest.class.getClassLoader())
            .load(FailureAnalyzer.class, ArgumentResolver.none(), FailureHandler.handleMessage((message, failure) -> { }));

    private final ApplicationContextRunner ledger = new ApplicationContextRunner().withUserConfiguration(EverySetting.class);

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan("org.agreementledger")
    static class EverySetting {
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            ledger.checkpoints.interval              | 0s                 | longer than or equal to 1 second
            ledger.checkpoints.interval              | 2d                 | shorter than or equal to 1 day
            ledger.checkpoints.read-timeout          | 999ms              | longer than or equal to 1 second
            ledger.checkpoints.max-agreements        | 0                  | greater than or equal to 1
            ledger.checkpoints.max-agreements        | 400001             | less than or equal to 400000
            ledger.checkpoints.topic                 | checkpoints of mine | must match
            ledger.idempotency.retention             | 59m                | longer than or equal to 1 hour
            ledger.idempotency.retention             | 36501d             | shorter than or equal to 36500 days
            ledger.idempotency.sweep-interval        | 59s                | longer than or equal to 1 minute
            ledger.kafka.bootstrap-servers           | ' '                | must not be blank
            ledger.kafka.topic                       | events/all         | must match
            ledger.kafka.topic                       | ..                 | must match
            ledger.kafka.partitions                  | 0                  | greater than or equal to 1
            ledger.kafka.replication-factor          | 17                 | less than or equal to 16
            ledger.kafka.delivery-timeout            | 999ms              | longer than or equal to 1 second
            ledger.group-commit.max-commands         | 10001              | less than or equal to 10000
            ledger.processors.linger                 | 1001ms             | shorter than or equal to 1 second
            ledger.processors.linger                 | -1ms               | longer than or equal to
            ledger.processors.restart-after          | 0s                 | longer than or equal to 1 milli
            ledger.processors.down-after-failing     | -1s                | longer than or equal to
            ledger.work-timer.limit                  | 2h                 | shorter than or equal to 1 hour
            ledger.transparency-log.origin           | a+b                | without '+', space or control character
            ledger.transparency-log.interval         | 0s                 | longer than or equal to 1 second
            ledger.snapshot-threshold                | 0                  | greater than or equal to 1
            ledger.publication.lag-interval          | 99ms               | longer than or equal to 100 millis
            ledger.expiry.check-interval             | 0s                 | longer than or equal to 1 second
            ledger.security.verified-tokens          | 100001             | less than or equal to 100000
            ledger.security.verified-tokens-ttl      | 2h                 | shorter than or equal to 1 hour
            ledger.security.roles-claim              | ''                 | must not be blank
            ledger.http.max-request-body             | 2MB                | must be between 1024 and 1048576 bytes
            ledger.http.max-body-read-time           | 0s                 | longer than or equal to 1 second
            """)
    void aSettingOutsideItsBoundStopsTheStartNamingTheSettingAndItsBound(String setting, String value, String bound) {
        // Spring Boot's "Property:" line names a record's component as in Java (readTimeout); "Origin:" as written
        assertThat(startFailure(setting + "=" + value)).contains("Origin: \"" + setting + "\"").contains(bound);
    }

    @Test
    void aDurationWrittenInWordsStopsTheStartRatherThanBeingReadAsSomethingElse() {
        assertThat(startFailure("ledger.checkpoints.interval=5 minutes"))
                .contains("Property: ledger.checkpoints.interval").contains("Value: \"5 minutes\"")
                .contains("'5 minutes' is not a valid duration");
    }

    @Test
    void aWorkTimerLimitShorterThanItsWarningStopsTheStart() {
        assertThat(startFailure("ledger.work-timer.limit=5s"))
                .contains("ledger.work-timer.limit must not be shorter than ledger.work-timer.warning");
    }

    @Test
    void everySettingAtEitherEndOfItsBoundStarts() {
        ledger.withPropertyValues("ledger.checkpoints.interval=1s", "ledger.checkpoints.read-timeout=1s",
                        "ledger.checkpoints.max-agreements=1", "ledger.idempotency.retention=1h",
                        "ledger.idempotency.sweep-interval=1m", "ledger.kafka.partitions=1", "ledger.kafka.delivery-timeout=1s",
                        "ledger.group-commit.max-commands=1", "ledger.processors.linger=0s",
                        "ledger.processors.restart-after=1ms", "ledger.processors.max-restart-after=1ms",
                        "ledger.processors.down-after-failing=0s", "ledger.work-timer.warning=1ms",
                        "ledger.work-timer.warning-interval=1ms", "ledger.work-timer.limit=1ms",
                        "ledger.transparency-log.interval=1s", "ledger.snapshot-threshold=1",
                        "ledger.publication.lag-interval=100ms", "ledger.expiry.check-interval=1s",
                        "ledger.expiry.initial-delay=0s", "ledger.security.verified-tokens=0",
                        "ledger.security.verified-tokens-ttl=1s", "ledger.http.max-request-body=1KB",
                        "ledger.http.max-body-read-time=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CheckpointProperties.class).maxAgreements()).isOne();
                    assertThat(context.getBean(IdempotencyProperties.class).retention()).isEqualTo(Duration.ofHours(1));
                    assertThat(context.getBean(HttpLimitsProperties.class).maxRequestBody()).isEqualTo(DataSize.ofKilobytes(1));
                });
        ledger.withPropertyValues("ledger.checkpoints.interval=1d", "ledger.checkpoints.read-timeout=1d",
                        "ledger.checkpoints.max-agreements=400000", "ledger.idempotency.retention=36500d",
                        "ledger.idempotency.sweep-interval=1d", "ledger.kafka.partitions=1000",
                        "ledger.kafka.replication-factor=16", "ledger.kafka.delivery-timeout=1h",
                        "ledger.group-commit.max-commands=10000", "ledger.processors.linger=1s",
                        "ledger.processors.restart-after=1h", "ledger.processors.max-restart-after=1d",
                        "ledger.processors.down-after-failing=1d", "ledger.work-timer.warning=1h",
                        "ledger.work-timer.warning-interval=1h", "ledger.work-timer.limit=1h",
                        "ledger.transparency-log.origin=" + "o".repeat(200), "ledger.transparency-log.interval=1d",
                        "ledger.snapshot-threshold=1000000", "ledger.publication.lag-interval=10m",
                        "ledger.expiry.check-interval=1d", "ledger.expiry.initial-delay=1d",
                        "ledger.security.verified-tokens=100000", "ledger.security.verified-tokens-ttl=1h",
                        "ledger.http.max-request-body=1MB", "ledger.http.max-body-read-time=10m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CheckpointProperties.class).maxAgreements()).isEqualTo(400_000);
                    assertThat(context.getBean(LedgerSecurityProperties.class).verifiedTokens()).isEqualTo(100_000);
                    assertThat(context.getBean(HttpLimitsProperties.class).maxRequestBody()).isEqualTo(DataSize.ofMegabytes(1));
                });
    }

    /** What Spring Boot reports when the ledger's settings are {@code setting}: the first analysis of its failure. */
    private String startFailure(String setting) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ledger.withPropertyValues(setting).run(context -> failure.set(context.getStartupFailure()));
        assertThat(failure.get()).as("the start with " + setting).isNotNull();
        FailureAnalysis analysis = ANALYZERS.stream().map(analyzer -> analyzer.analyze(failure.get()))
                .filter(Objects::nonNull).findFirst().orElseThrow();
        return analysis.getDescription();
    }
}
