package org.agreementledger.security.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.deser.LocalDateDeserializer;
import org.agreementledger.contract.ContractLimits;
import org.springframework.core.convert.converter.Converter;

import java.io.IOException;
import java.time.LocalDate;

/**
 * Dates at the door, in a body or a query: ISO dates within {@link ContractLimits#EARLIEST_DATE} and
 * {@link ContractLimits#LATEST_DATE}, refused with 400 naming the field otherwise. Java reads "+999999999-12-31" as a
 * date; the ledger would record it and the projection could not store it.
 */
final class BoundedDates {

    static final String EXPECTED = "a date from " + ContractLimits.EARLIEST_DATE + " to " + ContractLimits.LATEST_DATE
            + " (YYYY-MM-DD)";

    private BoundedDates() {
    }

    static final StdScalarDeserializer<LocalDate> IN_BODIES = new StdScalarDeserializer<>(LocalDate.class) {
        @Override
        public LocalDate deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            LocalDate date = LocalDateDeserializer.INSTANCE.deserialize(parser, context);
            if (date != null && !ContractLimits.withinDateBounds(date)) {
                throw InvalidFormatException.from(parser, "expected " + EXPECTED + ", got " + date, date, LocalDate.class);
            }
            return date;
        }
    };

    /** For query parameters; a refusal is a type mismatch, which {@link RequestProblems} answers naming the parameter. */
    static final Converter<String, LocalDate> IN_QUERIES = text -> {
        LocalDate date = LocalDate.parse(text);
        if (!ContractLimits.withinDateBounds(date)) {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got " + text);
        }
        return date;
    };
}
