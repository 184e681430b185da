package org.agreementledger.projection.lag;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/** How often the topic's end offsets and the views' positions are read for {@code projection.lag}. */
@ConfigurationProperties("projection.lag")
public record LagProperties(@DefaultValue("5s") Duration refreshInterval) {
}
