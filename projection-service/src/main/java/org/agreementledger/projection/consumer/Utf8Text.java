package org.agreementledger.projection.consumer;

import java.nio.charset.StandardCharsets;

/**
 * A text value that is already UTF-8 (an event's JSON as it came from the topic): {@link CopyRows} writes its bytes
 * as they are, escaping only COPY's markers, instead of decoding them into a String and encoding that again.
 */
record Utf8Text(byte[] bytes) {

    /** The text itself, for a statement's parameter. */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
