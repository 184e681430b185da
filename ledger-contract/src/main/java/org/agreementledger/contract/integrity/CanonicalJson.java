package org.agreementledger.contract.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import org.agreementledger.contract.LedgerJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme: members sorted by their UTF-16 code units, no insignificant
 * whitespace, strings escaped minimally, numbers in ECMAScript form. One addition, applied first: object
 * members whose value is null are dropped, so "absent" and "null" hash alike whichever JSON writer produced
 * the record.
 */
public final class CanonicalJson {

    private static final BigDecimal MAX_SAFE_INTEGER = BigDecimal.valueOf(9_007_199_254_740_992L);

    private CanonicalJson() {
    }

    /**
     * Exact decimals; a repeated member name is refused, never decided by the last one (two verifiers could differ),
     * and so is anything after the document: bytes appended to a record must not hash as the record.
     */
    private static final ObjectReader EXACT = LedgerJson.mapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    // the factory's own switch: a reader's without() leaves a parser's duplicate detector in place (Jackson 2.19)
    private static final JsonFactory STREAMED = LedgerJson.mapper().getFactory().rebuild()
            .disable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Reads JSON for canonicalisation: decimals exactly as written, never through a double. */
    public static JsonNode parse(byte[] json) {
        try {
            return EXACT.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable JSON", e);
        }
    }

    /**
     * The canonical form of a recorded body read token by token, without a tree: byte for byte what
     * {@code bytes(parse(json))} gives (StreamedCanonicalFormTest holds them equal), at a fraction of the cost.
     */
    public static byte[] bytes(byte[] json) {
        CanonicalWriter writer = CanonicalWriter.local();
        writer.document(json);
        return writer.toByteArray();
    }

    /**
     * A parser with the limits {@link #parse} reads with, except that a repeated member name is left to its reader:
     * {@link CanonicalWriter} refuses it once an object's names are sorted, cheaper than a set per object, reads
     * decimals exactly and refuses what follows the document. Both accept and refuse alike.
     */
    static JsonParser parser(byte[] json) throws IOException {
        return STREAMED.createParser(json);
    }

    public static byte[] bytes(JsonNode node) {
        return string(node).getBytes(StandardCharsets.UTF_8);
    }

    public static String string(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (!member.getValue().isNull()) {
                    members.add(member);
                }
            }
            members.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(members.get(i).getKey(), out);
                out.append(':');
                write(members.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNumber()) {
            out.append(number(node.decimalValue()));
        } else {
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw unpairedSurrogate();
                }
                out.append(c).append(value.charAt(++i));
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A string with half a character has no UTF-8 form: refused, never written as '?' (two strings would hash alike). */
    static IllegalArgumentException unpairedSurrogate() {
        return new IllegalArgumentException("a string holds an unpaired surrogate (\\uD800-\\uDFFF alone), which is not a "
                + "character and has no UTF-8 form");
    }

    /**
     * ECMAScript Number.prototype.toString of the value as an IEEE double, as RFC 8785 prescribes. A value of at most
     * 15 significant digits is laid out from its own digits, which are then exactly the double's shortest form, so
     * the result does not depend on the JVM's double formatting (Java 17's Double.toString is not always shortest;
     * 19 and later are). Only longer values go through a double.
     */
    static String number(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        // what an IEEE double cannot hold has no RFC 8785 form: refused, not written as 1e+400 or rounded to 0
        int exponent = stripped.precision() - stripped.scale() - 1;
        if (exponent > 308 || exponent < -324 || Double.isInfinite(value.doubleValue()) || value.doubleValue() == 0) {
            throw new IllegalArgumentException("JSON numbers must be within an IEEE double's range, got " + value);
        }
        if (stripped.scale() <= 0 && stripped.abs().compareTo(MAX_SAFE_INTEGER) <= 0) {
            return stripped.toBigIntegerExact().toString();
        }
        if (stripped.precision() > 15) {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON numbers must be finite, got " + value);
            }
            stripped = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        }
        String digits = stripped.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - stripped.scale();
        StringBuilder out = new StringBuilder(stripped.signum() < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }
}
