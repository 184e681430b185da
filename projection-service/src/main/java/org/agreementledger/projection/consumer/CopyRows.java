package org.agreementledger.projection.consumer;

import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Many rows of one plain {@code INSERT} sent with {@code COPY … FROM STDIN} instead: PostgreSQL then parses no
 * multi-row statement and binds no parameters, and writes the heap rows in batches. Each value is written in COPY's
 * text format only where that text means exactly what the parameter would; rows holding any other value (a date
 * before the Gregorian calendar or after 9999, a type not listed here) go as the batched INSERT. A row COPY refuses
 * fails the batch, as the INSERT would, and is then applied (or parked) on its own with the INSERT.
 */
final class CopyRows {

    /** Below this many rows, a batched INSERT's single round trip costs less than COPY's two. */
    static final int MIN_ROWS = 16;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSXXX")
            .withZone(ZoneOffset.UTC);

    private CopyRows() {
    }

    /** Sends the rows with COPY when there are enough of them and each value has an exact text form; else as a batch. */
    static void insert(JdbcTemplate jdbc, ViewWrites.Insert insert, List<Object[]> rows) {
        if (rows.size() < MIN_ROWS || !copy(jdbc, insert.table(), insert.columns(), rows)) {
            jdbc.batchUpdate(insert.sql(), rows);
        }
    }

    /** @return false, having sent nothing, when a value has no exact text form here */
    private static boolean copy(JdbcTemplate jdbc, String table, List<String> columns, List<Object[]> rows) {
        StringBuilder text = new StringBuilder(rows.size() * 256);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                if (!append(text, row[i])) {
                    return false;
                }
            }
            text.append('\n');
        }
        byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
        jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return true;
    }

    private static boolean append(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
        } else if (value instanceof String string) {
            escape(text, string);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            text.append(value);
        } else if (value instanceof Boolean bool) {
            text.append(bool ? 't' : 'f');
        } else if (value instanceof java.sql.Date date) {
            LocalDate day = date.toLocalDate();
            if (day.getYear() < 1583 || day.getYear() > 9999) {
                return false;
            }
            text.append(day);
        } else if (value instanceof Timestamp timestamp) {
            Instant instant = roundedToMicros(timestamp.toInstant());
            int year = instant.atZone(ZoneOffset.UTC).getYear();
            if (year < 1583 || year > 9999) {
                return false;
            }
            text.append(TIMESTAMP.format(instant));
        } else {
            return false;
        }
        return true;
    }

    /** As the JDBC driver rounds a timestamp parameter: to the nearest microsecond, halves up. */
    private static Instant roundedToMicros(Instant instant) {
        int nanos = instant.getNano();
        int below = nanos % 1000;
        return below >= 500 ? instant.plusNanos(1000 - below) : instant.minusNanos(below);
    }

    /** COPY's text format: a backslash, and the row and column separators, are escaped. */
    private static void escape(StringBuilder text, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c);
            }
        }
    }
}
