package org.agreementledger.auditor;

import java.util.Map;

/** One record of the events topic as the auditor saw it: where it sits, its headers and its body, untouched. */
record LogRecord(int partition, long offset, String key, Map<String, String> headers, byte[] body) {

    String header(String name) {
        return headers.get(name);
    }

    String where() {
        return "partition " + partition + " offset " + offset;
    }
}
