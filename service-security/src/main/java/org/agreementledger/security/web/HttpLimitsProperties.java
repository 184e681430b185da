package org.agreementledger.security.web;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How large a request body may be and how long it may take to arrive ({@link RequestBodyLimit}), in both services.
 *
 * @param maxRequestBody  1 KiB to 1 MiB: the events topic takes records of up to 4 MiB, room for the largest event a
 *                        1 MiB request can make with its headers, so a larger body could be recorded and never published
 * @param maxBodyReadTime 1 s to 10 min
 */
@ConfigurationProperties("ledger.http")
@Validated
public record HttpLimitsProperties(
        @DefaultValue("1MB") @DataSizeRange(minBytes = 1_024, maxBytes = 1_048_576) DataSize maxRequestBody,
        @DefaultValue("30s") @DurationMin(seconds = 1) @DurationMax(minutes = 10) Duration maxBodyReadTime) {
}
