package org.agreementledger.projection.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON columns in and out, in the contract's JSON form. */
public final class Json {

    private Json() {
    }

    public static String write(Object value) {
        try {
            return LedgerJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode tree(String json) {
        try {
            return json == null ? null : LedgerJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, TypeReference<T> type) {
        try {
            return LedgerJson.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
