package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.MeterRegistry;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.messaging.timeout.HandlerTimeoutHandlerEnhancerDefinition;
import org.axonframework.springboot.autoconfig.AxonTimeoutAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator sees slow and interrupted work per command bus and per processor, and Axon's stack-walking timers
 * (on every handler and unit of work by default) are not in the ledger.
 */
class TimedWorkTest extends LedgerIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Test
    void commandsAndEveryProcessorAreTimedByTheLedgersOwnTimerOnly() {
        assertThat(context.getBeanNamesForType(AxonTimeoutAutoConfiguration.class)).isEmpty();
        assertThat(context.getBeanNamesForType(HandlerTimeoutHandlerEnhancerDefinition.class)).isEmpty();
        assertThat(meters.find("ledger.work.slow").counters()).extracting(counter -> counter.getId().getTag("work"))
                .contains("commands", "event processor kafka-publisher", "event processor expiry-watch");
        assertThat(meters.find("ledger.work.interrupted").counters()).isNotEmpty();
    }
}
