package org.agreementledger.ledger.axon;

import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;

import java.util.HashMap;
import java.util.Map;

/**
 * What every event records of why it happened: the request's correlation id (kept from the caller's
 * {@code X-Correlation-Id} when given) and, as causation, the id of the command that caused it.
 */
public class RequestCorrelationDataProvider implements CorrelationDataProvider {

    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        Map<String, Object> data = new HashMap<>();
        Object correlation = message.getMetaData().get(CORRELATION_ID);
        data.put(CORRELATION_ID, correlation != null ? correlation : message.getIdentifier());
        data.put(CAUSATION_ID, message.getIdentifier());
        return data;
    }
}
