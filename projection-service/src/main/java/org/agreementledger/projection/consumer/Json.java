package org.agreementledger.projection.consumer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/** JSON columns in and out, in the contract's JSON form, and long answers written as they are read. */
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

    /** Rows read by one query of a streamed answer: about 10 MB at the contract's bounds. */
    public static final int ROWS_PER_CHUNK = 64;

    /**
     * Writes a JSON array a chunk of rows at a time, each chunk read by a short query of its own ({@code next} is given
     * the last row written, null at first, and answers the rows after it): a long answer is never held whole, and no
     * connection is held while a slow client reads, where six such clients would have taken the whole pool. A failure
     * half way leaves the array unfinished, never closed into one that looks whole.
     */
    public static <T> void writeArrayInChunks(ObjectMapper mapper, OutputStream out, Function<T, List<T>> next) {
        ObjectWriter writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        try (JsonGenerator json = mapper.getFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            json.writeStartArray();
            for (List<T> chunk = next.apply(null); !chunk.isEmpty(); chunk = next.apply(chunk.get(chunk.size() - 1))) {
                for (T row : chunk) {
                    writer.writeValue(json, row);
                }
            }
            json.writeEndArray();
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
