package org.agreementledger.projection.consumer;

import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch's rows go to PostgreSQL with binary COPY, and each must be stored exactly as the INSERT the projection would
 * otherwise send stores it: the same table filled both ways holds the same rows, extremes and awkward text included.
 */
class CopyRowsTest extends ProjectionIntegrationTest {

    private static final String SCHEMA = "copy_rows_test";
    private static final String COLUMNS = "v, c, t, j, i8, i4, i2, b, d, ts";
    private static final String AWKWARD = "\t tab \n newline \r return \\N backslash-N \\. \\ \"quoted\" ñ 𝄞 \uD800 lone";

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void tables() {
        jdbc.execute("CREATE SCHEMA " + SCHEMA);
        for (String table : List.of("copied", "inserted", "migrated")) {
            jdbc.execute("CREATE TABLE " + SCHEMA + "." + table + " (v VARCHAR(200), c CHAR(2), t TEXT, j JSONB,"
                    + " i8 BIGINT, i4 INTEGER, i2 SMALLINT, b BOOLEAN, d DATE, ts TIMESTAMPTZ)");
        }
    }

    @AfterEach
    void dropSchema() {
        jdbc.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void everyKindOfValueTheViewsHoldIsStoredByCopyAsItsInsertStoresIt() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(row("plain", "SV", "text", "{\"a\": [1, 2.50, \"x\"]}", 0L, 0, (short) 0, true, LocalDate.of(2025, 2, 3),
                Instant.parse("2025-03-15T12:00:00.000000500Z")));
        rows.add(row(AWKWARD, "US", AWKWARD, "{\"title\": \"" + AWKWARD.replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r").replace("\uD800", "") + "\"}",
                Long.MAX_VALUE, Integer.MAX_VALUE, Short.MAX_VALUE, false, LocalDate.of(9999, 12, 31),
                Instant.parse("9999-12-31T23:59:59.999999499Z")));
        rows.add(row("", "  ", "", "[]", Long.MIN_VALUE, Integer.MIN_VALUE, Short.MIN_VALUE, true, LocalDate.of(1583, 1, 1),
                Instant.parse("1583-01-01T00:00:00Z")));
        rows.add(new Object[]{null, null, null, null, null, null, null, null, null, null});
        rows.add(row("before 2000", "VE", "x", "null", -1L, -1, (short) -1, false, LocalDate.of(1999, 12, 31),
                Instant.parse("1999-12-31T23:59:59.999999999Z")));
        rows.add(new Object[]{new Utf8Text("as published ñ 𝄞".getBytes(StandardCharsets.UTF_8)), "GT",
                new Utf8Text(AWKWARD.replace("\uD800", "").getBytes(StandardCharsets.UTF_8)),
                new Utf8Text("{\"agreementId\": \"a\", \"n\": 1e400}".getBytes(StandardCharsets.UTF_8)),
                Integer.valueOf(7), (short) 7, (short) 7, true, Date.valueOf(LocalDate.of(2000, 1, 1)),
                Timestamp.from(Instant.parse("2000-01-01T00:00:00Z"))});
        for (int i = 0; i < CopyRows.MIN_ROWS; i++) {
            rows.add(row("row " + i, "BZ", "row " + i, "{\"i\": " + i + "}", i * 1_000_000_007L, i * 65_537, (short) i,
                    i % 2 == 0, LocalDate.of(2025, 1, 1).plusDays(i * 400L), Instant.ofEpochSecond(1_700_000_000L + i, i * 333)));
        }

        assertStoredAlikeBothWays(rows, true);
    }

    @Test
    void aDateOutsideTheGregorianYearsCopyKnowsGoesAsInsertsAndIsStoredTheSame() {
        List<Object[]> rows = plainRows();
        rows.add(row("old", "BZ", "t", "{}", 1L, 1, (short) 1, true, LocalDate.of(1200, 6, 1),
                Instant.parse("2025-01-01T00:00:00Z")));

        assertStoredAlikeBothWays(rows, false);
    }

    @Test
    void aColumnAnotherInstanceMigratedIsReadAgainAfterTheBatchItFailed() {
        List<Object[]> rows = plainRows();
        assertThat(CopyRows.insert(jdbc, insert("migrated"), rows)).isTrue();
        jdbc.execute("ALTER TABLE " + SCHEMA + ".migrated ALTER COLUMN i4 TYPE BIGINT");

        assertThatThrownBy(() -> CopyRows.insert(jdbc, insert("migrated"), rows))
                .as("four bytes sent for a column that now takes eight").isInstanceOf(DataAccessException.class);
        assertThat(CopyRows.insert(jdbc, insert("migrated"), rows)).as("the next batch, with the column's new type").isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".migrated", Long.class))
                .isEqualTo(2L * CopyRows.MIN_ROWS);
    }

    /** Stores the rows by {@link CopyRows} into one table and by the INSERT into another, and compares them. */
    private void assertStoredAlikeBothWays(List<Object[]> rows, boolean byCopy) {
        assertThat(CopyRows.insert(jdbc, insert("copied"), rows)).as("the rows went by COPY").isEqualTo(byCopy);
        rows.forEach(row -> jdbc.update(insert("inserted").sql(), CopyRows.asParameters(row)));
        assertStoredAlike(rows.size());
    }

    private void assertStoredAlike(int count) {
        String copied = "SELECT " + COLUMNS + " FROM " + SCHEMA + ".copied";
        String inserted = "SELECT " + COLUMNS + " FROM " + SCHEMA + ".inserted";
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".copied", Long.class)).isEqualTo(count);
        assertThat(jdbc.queryForList(copied + " EXCEPT ALL " + inserted)).as("rows stored only by COPY").isEmpty();
        assertThat(jdbc.queryForList(inserted + " EXCEPT ALL " + copied)).as("rows stored only by INSERT").isEmpty();
    }

    /** Enough rows for COPY, each value ordinary. */
    private static List<Object[]> plainRows() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < CopyRows.MIN_ROWS; i++) {
            rows.add(row("row " + i, "BZ", "t", "{}", i, i, (short) i, true, LocalDate.of(2025, 1, 1),
                    Instant.parse("2025-01-01T00:00:00Z")));
        }
        return rows;
    }

    private static ViewWrites.Insert insert(String table) {
        return ViewWrites.Insert.into(SCHEMA + "." + table, "v", "c", "t", "j::jsonb", "i8", "i4", "i2", "b", "d", "ts");
    }

    private static Object[] row(String v, String c, String t, String j, long i8, int i4, short i2, boolean b, LocalDate d,
                                Instant ts) {
        return new Object[]{v, c, t, j, i8, i4, i2, b, Date.valueOf(d), Timestamp.from(ts)};
    }
}
