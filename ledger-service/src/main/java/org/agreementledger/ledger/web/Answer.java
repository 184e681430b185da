package org.agreementledger.ledger.web;

import org.axonframework.messaging.MetaData;

import java.util.HashMap;
import java.util.Map;

/**
 * What a command will answer once decided, minus the version only the decision knows. It travels in the command's
 * metadata so that the answer to an Idempotency-Key is stored in the command's own transaction (IdempotencyKeys).
 */
record Answer(int status, String location, String agreementId, String transferId, String paymentId) {

    private static final String PREFIX = "answer.";

    Map<String, Object> toMetaData() {
        Map<String, Object> metaData = new HashMap<>();
        metaData.put(PREFIX + "status", Integer.toString(status));
        metaData.put(PREFIX + "agreementId", agreementId);
        if (location != null) {
            metaData.put(PREFIX + "location", location);
        }
        if (transferId != null) {
            metaData.put(PREFIX + "transferId", transferId);
        }
        if (paymentId != null) {
            metaData.put(PREFIX + "paymentId", paymentId);
        }
        return metaData;
    }

    static Answer fromMetaData(MetaData metaData) {
        Object status = metaData.get(PREFIX + "status");
        if (status == null) {
            return null;
        }
        return new Answer(Integer.parseInt(status.toString()), text(metaData, "location"), text(metaData, "agreementId"),
                text(metaData, "transferId"), text(metaData, "paymentId"));
    }

    CommandResponse body(long version) {
        return new CommandResponse(agreementId, version, transferId, paymentId, null);
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static String text(MetaData metaData, String key) {
        Object value = metaData.get(PREFIX + key);
        return value == null ? null : value.toString();
    }
}
