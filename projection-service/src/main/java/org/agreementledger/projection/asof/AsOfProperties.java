package org.agreementledger.projection.asof;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** How many as-of replays and audit views ({@link AsOfViews}, each a database connection) one instance runs at once. */
@ConfigurationProperties("projection.as-of")
@Validated
public record AsOfProperties(@DefaultValue("2") @Min(1) @Max(100) int maxConcurrent) {
}
