package org.agreementledger.projection.consumer;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Many rows of one plain {@code INSERT} sent with {@code COPY … FROM STDIN} instead: PostgreSQL then parses no
 * multi-row statement and binds no parameters, and writes the heap rows in batches. Each value is written in COPY's
 * text format only where that text means exactly what the parameter would; rows holding any other value (a date
 * before the Gregorian calendar or after 9999, a type not listed here) go as the batched INSERT. A row COPY refuses
 * fails the batch, as the INSERT would, and is then applied (or parked) on its own with the INSERT.
 * <p>
 * The text is written as UTF-8 straight into one buffer per thread, kept between batches: building it as a String and
 * encoding that made four copies of every batch, most of a rebuild's garbage (docs/benchmarks.md, run W).
 */
final class CopyRows {

    /** Below this many rows, a batched INSERT's single round trip costs less than COPY's two. */
    static final int MIN_ROWS = 16;
    /** A buffer grown past this by an unusually large batch is not kept for the next one. */
    private static final int KEPT_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final ThreadLocal<Text> BUFFERS = ThreadLocal.withInitial(Text::new);

    private CopyRows() {
    }

    /** Sends the rows with COPY when there are enough of them and each value has an exact text form; else as a batch. */
    static void insert(JdbcTemplate jdbc, ViewWrites.Insert insert, List<Object[]> rows) {
        if (rows.size() < MIN_ROWS || !copy(jdbc, insert.table(), insert.columns(), rows)) {
            jdbc.batchUpdate(insert.sql(), rows.stream().map(CopyRows::asParameters).toList());
        }
    }

    /** A statement takes {@link Utf8Text} as the String it is. */
    private static Object[] asParameters(Object[] row) {
        Object[] parameters = row;
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof Utf8Text text) {
                parameters = parameters == row ? row.clone() : parameters;
                parameters[i] = text.toString();
            }
        }
        return parameters;
    }

    /** @return false, having sent nothing, when a value has no exact text form here */
    private static boolean copy(JdbcTemplate jdbc, String table, List<String> columns, List<Object[]> rows) {
        Text text = BUFFERS.get();
        try {
            text.length = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        text.put('\t');
                    }
                    if (!text.value(row[i])) {
                        return false;
                    }
                }
                text.put('\n');
            }
            String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
            jdbc.execute((ConnectionCallback<Long>) connection -> {
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
                try {
                    copy.writeToCopy(text.bytes, 0, text.length);
                    return copy.endCopy();
                } catch (SQLException | RuntimeException e) {
                    if (copy.isActive()) {
                        try {
                            copy.cancelCopy();
                        } catch (SQLException cancel) {
                            e.addSuppressed(cancel);
                        }
                    }
                    throw e;
                }
            });
            return true;
        } finally {
            if (text.bytes.length > KEPT_BUFFER_BYTES) {
                BUFFERS.remove();
            }
        }
    }

    /** COPY's text format as UTF-8, in a growing buffer. */
    private static final class Text {

        private byte[] bytes = new byte[64 * 1024];
        private int length;

        boolean value(Object value) {
            if (value == null) {
                ascii("\\N");
            } else if (value instanceof String string) {
                escaped(string);
            } else if (value instanceof Utf8Text text) {
                escaped(text.bytes());
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                ascii(value.toString());
            } else if (value instanceof Boolean bool) {
                put(bool ? 't' : 'f');
            } else if (value instanceof java.sql.Date date) {
                LocalDate day = date.toLocalDate();
                if (day.getYear() < 1583 || day.getYear() > 9999) {
                    return false;
                }
                date(day);
            } else if (value instanceof Timestamp timestamp) {
                Instant instant = roundedToMicros(timestamp.toInstant());
                LocalDateTime utc = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
                if (utc.getYear() < 1583 || utc.getYear() > 9999) {
                    return false;
                }
                timestamp(utc);
            } else {
                return false;
            }
            return true;
        }

        /** {@code uuuu-MM-dd HH:mm:ss.SSSSSSZ}: microseconds always, in UTC. */
        private void timestamp(LocalDateTime utc) {
            date(utc.toLocalDate());
            put(' ');
            digits(utc.getHour(), 2);
            put(':');
            digits(utc.getMinute(), 2);
            put(':');
            digits(utc.getSecond(), 2);
            put('.');
            digits(utc.getNano() / 1000, 6);
            put('Z');
        }

        /** {@code uuuu-MM-dd}, a year of four digits (1583–9999). */
        private void date(LocalDate day) {
            digits(day.getYear(), 4);
            put('-');
            digits(day.getMonthValue(), 2);
            put('-');
            digits(day.getDayOfMonth(), 2);
        }

        private void digits(int value, int width) {
            ensure(width);
            for (int i = length + width - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            length += width;
        }

        private void ascii(String value) {
            ensure(value.length());
            for (int i = 0; i < value.length(); i++) {
                bytes[length++] = (byte) value.charAt(i);
            }
        }

        /**
         * A backslash and the row and column separators escaped, as COPY's text format needs; the rest in UTF-8 as
         * {@code String.getBytes} encodes it, a lone surrogate as {@code ?}.
         */
        private void escaped(String value) {
            int count = value.length();
            ensure(3 * count);
            for (int i = 0; i < count; i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    switch (c) {
                        case '\\' -> escape('\\');
                        case '\n' -> escape('n');
                        case '\r' -> escape('r');
                        case '\t' -> escape('t');
                        default -> bytes[length++] = (byte) c;
                    }
                } else if (c < 0x800) {
                    bytes[length++] = (byte) (0xC0 | c >> 6);
                    bytes[length++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < count && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int point = Character.toCodePoint(c, value.charAt(++i));
                    bytes[length++] = (byte) (0xF0 | point >> 18);
                    bytes[length++] = (byte) (0x80 | point >> 12 & 0x3F);
                    bytes[length++] = (byte) (0x80 | point >> 6 & 0x3F);
                    bytes[length++] = (byte) (0x80 | point & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    bytes[length++] = '?';
                } else {
                    bytes[length++] = (byte) (0xE0 | c >> 12);
                    bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
                    bytes[length++] = (byte) (0x80 | c & 0x3F);
                }
            }
        }

        /** UTF-8 as it is, COPY's markers escaped: no byte of a multi-byte character is below 0x80, so none is one. */
        private void escaped(byte[] utf8) {
            ensure(2 * utf8.length);
            int run = 0;
            for (int i = 0; i < utf8.length; i++) {
                byte b = utf8[i];
                if (b <= '\\' && (b == '\\' || b == '\n' || b == '\r' || b == '\t')) {
                    System.arraycopy(utf8, run, bytes, length, i - run);
                    length += i - run;
                    escape(b == '\\' ? '\\' : b == '\n' ? 'n' : b == '\r' ? 'r' : 't');
                    run = i + 1;
                }
            }
            System.arraycopy(utf8, run, bytes, length, utf8.length - run);
            length += utf8.length - run;
        }

        private void escape(char c) {
            bytes[length++] = '\\';
            bytes[length++] = (byte) c;
        }

        private void put(char c) {
            ensure(1);
            bytes[length++] = (byte) c;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }
    }

    /** As the JDBC driver rounds a timestamp parameter: to the nearest microsecond, halves up. */
    private static Instant roundedToMicros(Instant instant) {
        int nanos = instant.getNano();
        int below = nanos % 1000;
        return below >= 500 ? instant.plusNanos(1000 - below) : instant.minusNanos(below);
    }
}
