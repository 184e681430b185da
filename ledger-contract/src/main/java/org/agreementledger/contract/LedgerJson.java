package org.agreementledger.contract;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of the contract: ISO-8601 dates, unknown fields tolerated so old readers survive new fields. A body
 * with anything after its JSON value, or naming a member twice, is refused: the hash covers one canonical reading
 * ({@code CanonicalJson}), and a reader that took the first value or the last one would apply what the hash did not
 * say, or store bytes that are not JSON.
 */
public final class LedgerJson {

    private static final ObjectMapper MAPPER = configure(JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build());

    private LedgerJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static byte[] toBytes(AgreementEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readTree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable JSON", e);
        }
    }

    public static AgreementEvent read(String typeName, byte[] json) {
        Class<? extends AgreementEvent> type = EventTypes.classOf(typeName)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + typeName + "'"));
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + typeName + " event", e);
        }
    }
}
