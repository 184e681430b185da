package org.agreementledger.projection.consumer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How long a statement of bulk work on a whole schema (a rebuild, an as-of replay) may wait for PostgreSQL: such
 * statements rewrite, index and compare every row, and may take minutes where a query or a batch takes milliseconds.
 */
@ConfigurationProperties("projection.bulk")
public record BulkProperties(@DefaultValue("1h") Duration statementTimeout) {

    public BulkProperties {
        // the driver takes whole milliseconds in an int, and 0 would mean no bound at all
        if (statementTimeout.compareTo(Duration.ofSeconds(1)) < 0 || statementTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("projection.bulk.statement-timeout must be between 1s and 1d, not " + statementTimeout);
        }
    }
}
