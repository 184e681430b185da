package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Writes the {@link CanonicalJson} form straight from the parser's tokens into one reused byte buffer: no tree, no
 * per-member map. An object's members are written as they come, then put in order in place (keys sorted by UTF-16
 * code units, a repeated key refused, null members dropped). One per thread, reused.
 */
final class CanonicalWriter {

    private static final long MAX_SAFE_INTEGER = 9_007_199_254_740_992L;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<CanonicalWriter> LOCAL = ThreadLocal.withInitial(CanonicalWriter::new);

    private byte[] buffer = new byte[1024];
    private int size;
    /** An object's members while they are put in order, and a string's characters: reused, not allocated per value. */
    private byte[] members = new byte[1024];
    private char[] chars = new char[256];
    private final MessageDigest sha256 = Sha256.newDigest();

    static CanonicalWriter local() {
        CanonicalWriter writer = LOCAL.get();
        writer.size = 0;
        return writer;
    }

    /** Appends the canonical form of a whole JSON document, read as {@link CanonicalJson#parse} reads it. */
    void document(byte[] json) {
        try (JsonParser parser = CanonicalJson.parser(json)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                // empty, null, or a bare value: rare enough to leave to the tree, which settles what they mean
                raw(CanonicalJson.bytes(CanonicalJson.parse(json)));
                return;
            }
            value(parser, first);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "content after the JSON document");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable JSON", e);
        }
    }

    int size() {
        return size;
    }

    boolean endsWith(byte[] tail) {
        return size >= tail.length && Arrays.equals(buffer, size - tail.length, size, tail, 0, tail.length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** SHA-256 of what was written. */
    byte[] sha256() {
        sha256.update(buffer, 0, size);
        return sha256.digest();
    }

    private void value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> {
                put(('['));
                boolean first = true;
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (!first) {
                        put(',');
                    }
                    first = false;
                    value(parser, t);
                }
                put(']');
            }
            case VALUE_STRING -> string(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    ascii(CanonicalJson.number(new BigDecimal(parser.getBigIntegerValue())));
                } else {
                    number(parser.getLongValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> ascii(CanonicalJson.number(parser.getDecimalValue()));
            case VALUE_TRUE -> ascii("true");
            case VALUE_FALSE -> ascii("false");
            case VALUE_NULL -> ascii("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + token);
        }
    }

    /**
     * Members are written as {@code "key":value} one after another, each span remembered; then the object's bytes are
     * copied aside and written back in key order with the separators. A repeated name is refused, as the tree's reader
     * refuses it.
     */
    private void object(JsonParser parser) throws IOException {
        int start = size;
        String[] keys = new String[8];
        int[] spans = new int[16];
        int count = 0;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            JsonToken v = parser.nextToken();
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                spans = Arrays.copyOf(spans, count * 4);
            }
            keys[count] = key;
            int from = size;
            if (v != JsonToken.VALUE_NULL) {
                string(key);
                put(':');
                value(parser, v);
            }
            spans[2 * count] = from;
            spans[2 * count + 1] = size;
            count++;
        }
        int[] order = sortedByKey(keys, count);
        for (int i = 1; i < count; i++) {
            if (keys[order[i]].equals(keys[order[i - 1]])) {
                throw new JsonParseException(parser, "Duplicate field '" + keys[order[i]] + "'");
            }
        }
        // no member writes between here and the write-back, so one reused array serves every object, nested or not
        int length = size - start;
        if (members.length < length) {
            members = new byte[Math.max(length, members.length * 2)];
        }
        System.arraycopy(buffer, start, members, 0, length);
        size = start;
        put('{');
        boolean first = true;
        for (int i = 0; i < count; i++) {
            int m = order[i];
            // an empty span is a null member
            if (spans[2 * m] == spans[2 * m + 1]) {
                continue;
            }
            if (!first) {
                put(',');
            }
            first = false;
            raw(members, spans[2 * m] - start, spans[2 * m + 1] - start);
        }
        put('}');
    }

    /** Insertion sort of member indices by key: stable, and objects have few members. */
    private static int[] sortedByKey(String[] keys, int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            int j = i;
            while (j > 0 && keys[order[j - 1]].compareTo(keys[i]) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return order;
    }

    void string(String value) {
        int length = value.length();
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        value.getChars(0, length, chars, 0);
        string(chars, 0, length);
    }

    /** As {@link CanonicalJson}: minimal escapes, then UTF-8; an unpaired surrogate is refused. */
    private void string(char[] chars, int offset, int length) {
        put('"');
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            ensure(6);
            char c = chars[i];
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    buffer[size++] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                buffer[size++] = (byte) (0xC0 | (c >> 6));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                    int cp = Character.toCodePoint(c, chars[++i]);
                    buffer[size++] = (byte) (0xF0 | (cp >> 18));
                    buffer[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buffer[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buffer[size++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    throw CanonicalJson.unpairedSurrogate();
                }
            } else {
                buffer[size++] = (byte) (0xE0 | (c >> 12));
                buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        put('"');
    }

    private void escape(char c) {
        switch (c) {
            case '"' -> ascii("\\\"");
            case '\\' -> ascii("\\\\");
            case '\b' -> ascii("\\b");
            case '\f' -> ascii("\\f");
            case '\n' -> ascii("\\n");
            case '\r' -> ascii("\\r");
            case '\t' -> ascii("\\t");
            default -> {
                ascii("\\u00");
                put(HEX[c >> 4]);
                put(HEX[c & 0xF]);
            }
        }
    }

    /**
     * An instant as a JSON string of {@link Instant#toString()}'s text (ISO-8601 in UTC, the fraction in groups of three
     * digits, none when whole), written without a formatter; years outside 1..9999 are left to {@code toString}.
     */
    void instant(Instant time) {
        // decided on the second, before a date is made: Instant reaches years no LocalDate holds
        if (time.getEpochSecond() < FIRST_FOUR_DIGIT_SECOND || time.getEpochSecond() >= FIRST_FIVE_DIGIT_SECOND) {
            string(time.toString());
            return;
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(time.getEpochSecond(), 86_400));
        int second = (int) Math.floorMod(time.getEpochSecond(), 86_400);
        ensure(32);
        put('"');
        digits(date.getYear(), 4);
        put('-');
        digits(date.getMonthValue(), 2);
        put('-');
        digits(date.getDayOfMonth(), 2);
        put('T');
        digits(second / 3600, 2);
        put(':');
        digits(second / 60 % 60, 2);
        put(':');
        digits(second % 60, 2);
        int nano = time.getNano();
        if (nano != 0) {
            put('.');
            if (nano % 1_000_000 == 0) {
                digits(nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                digits(nano / 1_000, 6);
            } else {
                digits(nano, 9);
            }
        }
        put('Z');
        put('"');
    }

    private static final long FIRST_FOUR_DIGIT_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long FIRST_FIVE_DIGIT_SECOND = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    private void digits(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buffer[size + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += width;
    }

    void number(long value) {
        if (value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER) {
            ascii(Long.toString(value));
        } else {
            ascii(CanonicalJson.number(BigDecimal.valueOf(value)));
        }
    }

    void ascii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            buffer[size++] = (byte) text.charAt(i);
        }
    }

    void put(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    void raw(byte[] bytes) {
        raw(bytes, 0, bytes.length);
    }

    private void raw(byte[] bytes, int from, int to) {
        ensure(to - from);
        System.arraycopy(bytes, from, buffer, size, to - from);
        size += to - from;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
