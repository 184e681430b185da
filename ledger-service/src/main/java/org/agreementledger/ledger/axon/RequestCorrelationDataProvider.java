package org.agreementledger.ledger.axon;

import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;

import java.util.HashMap;
import java.util.Map;

/**
 * What every event records of who caused it and why: the caller's principal, country and roles (from its verified
 * token, never from the request body), the request's correlation id (kept from the caller's {@code X-Correlation-Id}
 * or {@code traceparent} when given) and, as causation, the id of the command that caused it.
 */
public class RequestCorrelationDataProvider implements CorrelationDataProvider {

    public static final String CORRELATION_ID = "correlationId";
    public static final String CAUSATION_ID = "causationId";
    /** Who issued the command, from the verified token: its principal, country and roles. */
    public static final String PRINCIPAL = "principal";
    public static final String COUNTRY = "country";
    public static final String ROLES = "roles";

    @Override
    public Map<String, ?> correlationDataFor(Message<?> message) {
        Map<String, Object> data = new HashMap<>();
        Object correlation = message.getMetaData().get(CORRELATION_ID);
        data.put(CORRELATION_ID, correlation != null ? correlation : message.getIdentifier());
        data.put(CAUSATION_ID, message.getIdentifier());
        for (String key : new String[]{PRINCIPAL, COUNTRY, ROLES}) {
            Object value = message.getMetaData().get(key);
            if (value != null) {
                data.put(key, value);
            }
        }
        return data;
    }
}
