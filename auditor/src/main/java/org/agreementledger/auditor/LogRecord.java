package org.agreementledger.auditor;

import org.agreementledger.contract.EventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One record of the events topic as the auditor saw it: where it sits, its headers and its body, untouched. The
 * headers are copied out of the fetched buffer (a record waiting to be verified must not hold a whole fetch in
 * memory) as names and raw values, decoded only when asked for, never put in a map.
 */
record LogRecord(int partition, long offset, String key, String[] headerNames, byte[][] headerValues, byte[] body) {

    static LogRecord of(ConsumerRecord<String, byte[]> record) {
        Header[] headers = record.headers().toArray();
        String[] names = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            names[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return new LogRecord(record.partition(), record.offset(), record.key(), names, values, record.value());
    }

    /** The names a verifier asks for on every record; any other name is still found, by a scan. */
    private static final Map<String, Integer> INDEXED = new HashMap<>();

    static {
        for (String name : new String[] {EventHeaders.ID, EventHeaders.TYPE, EventHeaders.SUBJECT, EventHeaders.SEQUENCE,
                EventHeaders.TIME, EventHeaders.SCHEMA_VERSION, EventHeaders.CORRELATION_ID, EventHeaders.CAUSATION_ID,
                EventHeaders.PRINCIPAL, EventHeaders.COUNTRY, EventHeaders.PREVIOUS_HASH, EventHeaders.HASH,
                EventHeaders.LOG_INDEX}) {
            INDEXED.put(name, INDEXED.size());
        }
    }

    /**
     * The header names of the last record a thread looked up, and their slots: the records of one log name their
     * headers in one order, so a name is compared with the one at its place before (a few bytes, no hash) and looked
     * up only when it differs. Hashing each name, fresh from the fetch, was a third of {@link #headers()}' time.
     */
    private static final class LastOrder {
        private String[] names = new String[0];
        private int[] slots = new int[0];

        LastOrder fitting(int headers) {
            if (names.length < headers) {
                names = Arrays.copyOf(names, headers);
                slots = Arrays.copyOf(slots, headers);
            }
            return this;
        }
    }

    private static final ThreadLocal<LastOrder> LAST_ORDER = ThreadLocal.withInitial(LastOrder::new);

    /**
     * The headers as {@link #header}, for a reader asking for many: one pass over the names instead of one per
     * name asked for (a dozen scans of a dozen names per record were a third of a verifying thread's time).
     */
    Lookup headers() {
        byte[][] found = new byte[INDEXED.size()][];
        String repeated = null;
        LastOrder last = LAST_ORDER.get().fitting(headerNames.length);
        for (int i = 0; i < headerNames.length; i++) {
            int slot;
            if (headerNames[i].equals(last.names[i])) {
                slot = last.slots[i];
            } else {
                slot = INDEXED.getOrDefault(headerNames[i], -1);
                last.names[i] = headerNames[i];
                last.slots[i] = slot;
            }
            if (slot >= 0) {
                if (found[slot] != null && repeated == null) {
                    repeated = headerNames[i];
                }
                found[slot] = headerValues[i]; // a later one wins, as in header()
            }
        }
        return new Lookup(found, repeated);
    }

    /** A record's headers by name, each its last value; and the first of the envelope's given more than once. */
    final class Lookup implements Function<String, String> {
        private final byte[][] found;
        private final String repeated;

        private Lookup(byte[][] found, String repeated) {
            this.found = found;
            this.repeated = repeated;
        }

        @Override
        public String apply(String name) {
            Integer slot = INDEXED.get(name);
            byte[] value = slot != null ? found[slot] : headerBytes(name);
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }

        /** A header of the envelope (or its log index) the record carries twice or more; null when none is. */
        String repeated() {
            return repeated;
        }
    }

    /** The header's last value, as lastHeader() and every reader of the ledger see it; null when absent. */
    String header(String name) {
        byte[] value = headerBytes(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    byte[] headerBytes(String name) {
        for (int i = headerNames.length - 1; i >= 0; i--) {
            if (headerNames[i].equals(name)) {
                return headerValues[i];
            }
        }
        return null;
    }

    String where() {
        return "partition " + partition + " offset " + offset;
    }
}
