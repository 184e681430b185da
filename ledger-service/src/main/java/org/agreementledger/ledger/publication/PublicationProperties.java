package org.agreementledger.ledger.publication;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** How often {@link PublicationStatus} measures the publication's lag from the database. */
@ConfigurationProperties("ledger.publication")
@Validated
public record PublicationProperties(
        @DefaultValue("5s") @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration lagInterval) {
}
