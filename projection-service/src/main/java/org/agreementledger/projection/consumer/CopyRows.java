package org.agreementledger.projection.consumer;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Many rows of one plain {@code INSERT} sent with {@code COPY … FROM STDIN (FORMAT binary)} instead: PostgreSQL then
 * parses no multi-row statement, binds no parameters and parses no number, date or time from text, and writes the heap
 * rows in batches. Each value is written in its column's binary form only where that form means exactly what the
 * parameter would; rows holding any other value (a date before the Gregorian calendar or after 9999, a pair of Java
 * and column types not listed here) go as the batched INSERT. A row COPY refuses fails the batch, as the INSERT would,
 * and is then applied (or parked) on its own with the INSERT.
 * <p>
 * The rows are written straight into one buffer per thread, kept between batches: building them as Strings and
 * encoding those made four copies of every batch, most of a rebuild's garbage (docs/benchmarks.md, run W). The binary
 * form replaced the text one because PostgreSQL spent a quarter of a rebuild's COPY time parsing text (run Z19).
 */
final class CopyRows {

    /** Below this many rows, a batched INSERT's single round trip costs less than COPY's two. */
    static final int MIN_ROWS = 16;
    /** A buffer grown past this by an unusually large batch is not kept for the next one. */
    private static final int KEPT_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final ThreadLocal<Binary> BUFFERS = ThreadLocal.withInitial(Binary::new);
    /** Each table's column types by name: the same in every schema of views, which are all built like the live one. */
    private static final Map<String, Map<String, Integer>> COLUMN_TYPES = new ConcurrentHashMap<>();

    private CopyRows() {
    }

    /**
     * Sends the rows with COPY when there are enough of them and each value has an exact binary form; else as a batch.
     *
     * @return whether the rows went by COPY
     */
    static boolean insert(JdbcTemplate jdbc, ViewWrites.Insert insert, List<Object[]> rows) {
        boolean copied = rows.size() >= MIN_ROWS && copy(jdbc, insert.table(), insert.columns(), rows);
        if (!copied) {
            jdbc.batchUpdate(insert.sql(), rows.stream().map(CopyRows::asParameters).toList());
        }
        return copied;
    }

    /** A statement takes {@link Utf8Text} as the String it is. */
    static Object[] asParameters(Object[] row) {
        Object[] parameters = row;
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof Utf8Text text) {
                parameters = parameters == row ? row.clone() : parameters;
                parameters[i] = text.toString();
            }
        }
        return parameters;
    }

    /** @return false, having sent nothing, when a value has no exact binary form here */
    private static boolean copy(JdbcTemplate jdbc, String table, List<String> columns, List<Object[]> rows) {
        int[] types = types(jdbc, table, columns);
        Binary binary = BUFFERS.get();
        try {
            binary.start();
            for (Object[] row : rows) {
                binary.int16(row.length);
                for (int i = 0; i < row.length; i++) {
                    if (!binary.value(types[i], row[i])) {
                        return false;
                    }
                }
            }
            binary.int16(-1);
            String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)";
            jdbc.execute((ConnectionCallback<Long>) connection -> {
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
                try {
                    copy.writeToCopy(binary.bytes, 0, binary.length);
                    return copy.endCopy();
                } catch (SQLException | RuntimeException e) {
                    // a column's type changed under a running instance (another one migrated the views): read it again
                    COLUMN_TYPES.remove(table);
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
            if (binary.bytes.length > KEPT_BUFFER_BYTES) {
                BUFFERS.remove();
            }
        }
    }

    /** The type of each column, read once per table from the schema the transaction's search path finds it in. */
    private static int[] types(JdbcTemplate jdbc, String table, List<String> columns) {
        Map<String, Integer> byName = COLUMN_TYPES.computeIfAbsent(table, name -> {
            Map<String, Integer> types = new HashMap<>();
            jdbc.query("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                    + " AND NOT attisdropped", row -> {
                types.put(row.getString(1), row.getInt(2));
            }, name);
            return Map.copyOf(types);
        });
        return columns.stream().mapToInt(column -> byName.getOrDefault(column, 0)).toArray();
    }

    /** COPY's binary format, in a growing buffer. */
    private static final class Binary {

        private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
                0, 0, 0, 0, 0, 0, 0, 0};
        private static final int BOOL = 16;
        private static final int INT8 = 20;
        private static final int INT2 = 21;
        private static final int INT4 = 23;
        private static final int TEXT = 25;
        private static final int BPCHAR = 1042;
        private static final int VARCHAR = 1043;
        private static final int DATE = 1082;
        private static final int TIMESTAMPTZ = 1184;
        private static final int JSONB = 3802;
        /** jsonb's binary form is a version byte and the text. */
        private static final int JSONB_VERSION = 1;
        /** PostgreSQL counts days and microseconds from 2000-01-01 UTC. */
        private static final long POSTGRES_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
        private static final long POSTGRES_EPOCH_SECOND = POSTGRES_EPOCH_DAY * 86_400;

        private byte[] bytes = new byte[64 * 1024];
        private int length;

        void start() {
            length = 0;
            ensure(HEADER.length);
            System.arraycopy(HEADER, 0, bytes, 0, HEADER.length);
            length = HEADER.length;
        }

        /** @return false when the value has no exact binary form for the column's type */
        boolean value(int type, Object value) {
            if (value == null) {
                int32(-1);
                return true;
            }
            return switch (type) {
                case TEXT, VARCHAR, BPCHAR -> text(value, false);
                case JSONB -> text(value, true);
                case INT8 -> value instanceof Long || value instanceof Integer || value instanceof Short
                        ? fixed(8, ((Number) value).longValue()) : false;
                case INT4 -> value instanceof Integer || value instanceof Short ? fixed(4, ((Number) value).intValue()) : false;
                case INT2 -> value instanceof Short number ? fixed(2, number) : false;
                case BOOL -> value instanceof Boolean bool ? fixed(1, bool ? 1 : 0) : false;
                case DATE -> value instanceof java.sql.Date date && date(date.toLocalDate());
                case TIMESTAMPTZ -> value instanceof Timestamp timestamp && timestamp(timestamp);
                default -> false;
            };
        }

        private boolean text(Object value, boolean jsonb) {
            if (!(value instanceof String) && !(value instanceof Utf8Text)) {
                return false;
            }
            int start = length;
            int32(0);
            if (jsonb) {
                put(JSONB_VERSION);
            }
            if (value instanceof Utf8Text text) {
                ensure(text.bytes().length);
                System.arraycopy(text.bytes(), 0, bytes, length, text.bytes().length);
                length += text.bytes().length;
            } else {
                utf8((String) value);
            }
            int32At(start, length - start - 4);
            return true;
        }

        private boolean date(LocalDate day) {
            return copyableYear(day.getYear()) && fixed(4, day.toEpochDay() - POSTGRES_EPOCH_DAY);
        }

        private boolean timestamp(Timestamp timestamp) {
            Instant instant = roundedToMicros(timestamp.toInstant());
            return copyableYear(instant.atOffset(ZoneOffset.UTC).getYear())
                    && fixed(8, (instant.getEpochSecond() - POSTGRES_EPOCH_SECOND) * 1_000_000 + instant.getNano() / 1000);
        }

        /** A year of 1583–9999, as the text form's dates and times were bound to; others go as parameters. */
        private static boolean copyableYear(int year) {
            return year >= 1583 && year <= 9999;
        }

        /** A value of {@code size} bytes, big-endian, after its length. */
        private boolean fixed(int size, long value) {
            int32(size);
            ensure(size);
            for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (value >>> shift);
            }
            return true;
        }

        void int16(int value) {
            ensure(2);
            bytes[length++] = (byte) (value >>> 8);
            bytes[length++] = (byte) value;
        }

        private void int32(int value) {
            ensure(4);
            int32At(length, value);
            length += 4;
        }

        /** Four bytes, big-endian, over what is at {@code at}: a length filled in once its value is written. */
        private void int32At(int at, int value) {
            bytes[at] = (byte) (value >>> 24);
            bytes[at + 1] = (byte) (value >>> 16);
            bytes[at + 2] = (byte) (value >>> 8);
            bytes[at + 3] = (byte) value;
        }

        /** UTF-8 as {@code String.getBytes} encodes it, a lone surrogate as {@code ?}. */
        private void utf8(String value) {
            int count = value.length();
            ensure(3 * count);
            for (int i = 0; i < count; i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    bytes[length++] = (byte) c;
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

        private void put(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
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
