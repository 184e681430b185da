package org.agreementledger.security.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import org.agreementledger.contract.ContractLimits;
import org.springframework.format.FormatterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies say exactly one thing: an unknown field, a repeated key, an entry named twice in a set, a fraction
 * where a count is due, a text no reader can hold ({@link ContractLimits#unholdable}: half a character, U+0000) or a
 * date no reader can hold ({@link BoundedDates}) is refused with 400, never ignored, truncated, replaced or decided by
 * the last key; a body in another charset than UTF-8 is refused with 415 ({@link Utf8Json}). Only the HTTP converters
 * are strict; events are read tolerantly, so old readers survive new fields.
 */
public class StrictJsonBodies implements WebMvcConfigurer {

    private static final StdScalarDeserializer<String> HOLDABLE_TEXTS = new StdScalarDeserializer<>(String.class) {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            String unholdable = text == null ? null : ContractLimits.unholdable(text);
            if (unholdable != null) {
                throw InvalidFormatException.from(parser, "a text " + unholdable, text, String.class);
            }
            return text;
        }
    };

    /**
     * A JSON array read into a set names each entry once: a set would keep one of two equal entries without a word
     * (categories ["GANG_MEMBER", "GANG_MEMBER"] recorded as one), so the array is read as a list first and refused
     * if two of its entries are equal.
     */
    private static final BeanDeserializerModifier DISTINCT_SETS = new BeanDeserializerModifier() {
        @Override
        public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type,
                                                                BeanDescription description, JsonDeserializer<?> deserializer) {
            return Set.class.isAssignableFrom(type.getRawClass()) ? new DistinctSet(deserializer, type) : deserializer;
        }
    };

    private static final class DistinctSet extends DelegatingDeserializer {

        private final CollectionType type;

        DistinctSet(JsonDeserializer<?> delegate, CollectionType type) {
            super(delegate);
            this.type = type;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new DistinctSet(delegate, type);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            TokenBuffer array = context.bufferAsCopyOfValue(parser);
            List<?> entries;
            try (JsonParser again = array.asParserOnFirstToken()) {
                entries = context.readValue(again, context.getTypeFactory()
                        .constructCollectionType(List.class, type.getContentType()));
            }
            Set<Object> seen = new HashSet<>();
            for (Object entry : entries) {
                if (!seen.add(entry)) {
                    throw InvalidFormatException.from(parser, "names " + entry + " more than once; each entry is named"
                            + " once", entry, type.getRawClass());
                }
            }
            try (JsonParser again = array.asParserOnFirstToken()) {
                return _delegatee.deserialize(again, context);
            }
        }
    }

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, LocalDate.class, BoundedDates.IN_QUERIES);
    }

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        for (int i = 0; i < converters.size(); i++) {
            if (converters.get(i) instanceof MappingJackson2HttpMessageConverter jackson) {
                ObjectMapper strict = jackson.getObjectMapper().copy();
                // "3" is text, not a count
                strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                strict.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                        .registerModule(new SimpleModule("holdable-texts").addDeserializer(String.class, HOLDABLE_TEXTS))
                        .registerModule(new SimpleModule("distinct-sets").setDeserializerModifier(DISTINCT_SETS))
                        .registerModule(new SimpleModule("bounded-dates").addDeserializer(LocalDate.class,
                                BoundedDates.IN_BODIES));
                converters.set(i, new Utf8Json(strict, jackson));
            }
        }
    }

    /**
     * Reads only bodies in UTF-8, the one encoding of JSON between systems (RFC 8259, section 8.1). Spring's converter
     * decodes a body declared in another charset with it (a UTF-8 "ñ" declared ISO-8859-1 would be recorded as "Ã±"),
     * and ignores a declared UTF-16 or UTF-32 for what the bytes look like: either way the ledger would record
     * something the client did not mean to say, or could not tell it had said. Refused with 415 instead.
     */
    static final class Utf8Json extends MappingJackson2HttpMessageConverter {

        Utf8Json(ObjectMapper mapper, MappingJackson2HttpMessageConverter configured) {
            super(mapper);
            setSupportedMediaTypes(configured.getSupportedMediaTypes());
            setDefaultCharset(configured.getDefaultCharset());
        }

        @Override
        protected boolean canRead(MediaType mediaType) {
            return super.canRead(mediaType) && (mediaType == null || isUtf8(mediaType));
        }

        private static boolean isUtf8(MediaType mediaType) {
            return mediaType.getCharset() == null || StandardCharsets.UTF_8.equals(mediaType.getCharset());
        }
    }
}
