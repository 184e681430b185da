package org.agreementledger.ledger.axon;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.MessageCountingMonitor;
import org.axonframework.micrometer.MessageTimerMonitor;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryMessage;

import java.util.List;
import java.util.function.Function;

/**
 * Axon's meters (timers, counters, the processors' latency) without its capacity monitors. A {@code CapacityMonitor}
 * keeps every handled message's time for ten minutes, two {@code Long}s in a skip list (~85 bytes), for each event
 * processor and for the command bus: at 550 offers/s some 80 MB of the ledger's 256 MiB heap after ten minutes,
 * growing with the rate and all of it promoted. It was most of the ledger's live heap under load and the reason for
 * its full collections (docs/benchmarks.md, run Z14). The figure it gave, handling time per second, is the rate of a
 * timer's sum ({@code rate(eventProcessor_allTimer_seconds_sum[1m])}).
 */
final class MetricRegistryWithoutCapacity extends GlobalMetricRegistry {

    MetricRegistryWithoutCapacity(MeterRegistry meters) {
        super(meters);
    }

    @Override
    public MessageMonitor<? super EventMessage<?>> registerEventProcessor(
            String eventProcessorName, Function<Message<?>, Iterable<Tag>> tagsBuilder,
            Function<Message<?>, Iterable<Tag>> latencyTagsBuilder) {
        return new MultiMessageMonitor<EventMessage<?>>(List.of(handlerMonitor(eventProcessorName, tagsBuilder),
                EventProcessorLatencyMonitor.builder().meterNamePrefix(eventProcessorName).meterRegistry(getRegistry())
                        .tagsBuilder(latencyTagsBuilder).build()));
    }

    @Override
    public MessageMonitor<? super CommandMessage<?>> registerCommandBus(String commandBusName,
                                                                       Function<Message<?>, Iterable<Tag>> tagsBuilder) {
        return handlerMonitor(commandBusName, tagsBuilder);
    }

    @Override
    public MessageMonitor<? super QueryMessage<?, ?>> registerQueryBus(String queryBusName,
                                                                      Function<Message<?>, Iterable<Tag>> tagsBuilder) {
        return handlerMonitor(queryBusName, tagsBuilder);
    }

    private MessageMonitor<Message<?>> handlerMonitor(String name, Function<Message<?>, Iterable<Tag>> tagsBuilder) {
        MeterRegistry meters = getRegistry();
        return new MultiMessageMonitor<>(List.of(
                MessageTimerMonitor.buildMonitor(name, meters, tagsBuilder),
                MessageCountingMonitor.buildMonitor(name, meters, tagsBuilder)));
    }
}
