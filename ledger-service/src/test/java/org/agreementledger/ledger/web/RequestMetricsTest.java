package org.agreementledger.ledger.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator scrapes about requests: one timer per request, by route and outcome, not one per security filter. */
class RequestMetricsTest extends LedgerIntegrationTest {

    private static final String OFFER = """
            {"offeringParty": "SV", "otherParties": ["US"], "title": "Metrics", "offeredOn": "2025-02-03"}""";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void eachRequestIsTimedOnceByRouteAndStatusAndNotOncePerSecurityFilter() {
        long before = offersAnswered201();

        as(port, "SV").ok("/agreements", OFFER);

        await().atMost(Duration.ofSeconds(5)).until(() -> offersAnswered201() == before + 1);
        assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
                .as("Spring Security's own observations cost about 5 % of a command's CPU and nobody reads them")
                .noneMatch(name -> name.startsWith("spring.security."));
    }

    private long offersAnswered201() {
        Timer timer = meters.find("http.server.requests").tag("method", "POST").tag("uri", "/agreements")
                .tag("status", "201").timer();
        return timer == null ? 0 : timer.count();
    }
}
