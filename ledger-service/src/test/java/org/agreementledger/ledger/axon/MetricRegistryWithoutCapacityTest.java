package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricRegistryWithoutCapacityTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MetricRegistryWithoutCapacity registry = new MetricRegistryWithoutCapacity(meters);

    @Test
    void processorsAndCommandsAreTimedAndCountedWithoutKeepingEveryMessageForACapacityFigure() {
        handle(registry.registerComponentWithDefaultTags(TrackingEventProcessor.class, "kafka-publisher"),
                GenericEventMessage.asEventMessage("an event"));
        handle(registry.registerComponentWithDefaultTags(CommandBus.class, "commandBus"),
                GenericCommandMessage.asCommandMessage("a command"));

        assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
                .contains("eventProcessor.allTimer", "eventProcessor.successCounter", "eventProcessor.latency",
                        "commandBus.allTimer", "commandBus.successCounter")
                .noneMatch(name -> name.toLowerCase().contains("capacity"));
        assertThat(meters.get("eventProcessor.allTimer").tag("processorName", "kafka-publisher").timer().count())
                .isEqualTo(1);
        assertThat(meters.get("commandBus.allTimer").timer().count()).isEqualTo(1);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void handle(MessageMonitor monitor, Message<?> message) {
        monitor.onMessageIngested(message).reportSuccess();
    }
}
