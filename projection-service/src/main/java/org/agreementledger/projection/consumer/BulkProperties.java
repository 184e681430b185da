package org.agreementledger.projection.consumer;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How long a statement of bulk work on a whole schema (a rebuild, an as-of replay) may wait for PostgreSQL: such
 * statements rewrite, index and compare every row, and may take minutes where a query or a batch takes milliseconds.
 */
@ConfigurationProperties("projection.bulk")
@Validated
public record BulkProperties(
        // the driver takes whole milliseconds in an int, and 0 would mean no bound at all
        @DefaultValue("1h") @DurationMin(seconds = 1) @DurationMax(days = 1) Duration statementTimeout) {
}
