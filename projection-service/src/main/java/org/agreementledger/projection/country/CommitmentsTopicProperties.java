package org.agreementledger.projection.country;

import jakarta.validation.constraints.Pattern;
import org.agreementledger.contract.LedgerTopics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code projection.country-commitments-topic}: the compacted topic {@link CountryCommitmentsTopic} publishes to. */
@ConfigurationProperties("projection")
@Validated
public record CommitmentsTopicProperties(
        @DefaultValue("ledger.country-commitments") @Pattern(regexp = LedgerTopics.LEGAL_NAME) String countryCommitmentsTopic) {
}
