package org.agreementledger.infra;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a PostgreSQL query did, from its {@code EXPLAIN ANALYZE} in text form: for tests that hold a query's cost. */
public final class QueryPlans {

    /** What a scan's node ends with: {@code (actual time=0.01..0.01 rows=1 loops=1)}. */
    private static final String ACTUAL = ".*\\(actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+) loops=(\\d+)\\)";

    private QueryPlans() {
    }

    /**
     * The rows that the plan's scans of {@code table} returned, over all their loops (a scan's rows are its average
     * per loop): {@code Index Only Scan Backward using … on table …}.
     */
    public static long rowsScanned(List<String> explainAnalyze, String table) {
        Pattern scanOfTable = Pattern.compile("\\bScan\\b.* on " + Pattern.quote(table) + "\\b" + ACTUAL);
        long rows = 0;
        for (String line : explainAnalyze) {
            Matcher scan = scanOfTable.matcher(line);
            if (scan.find()) {
                rows += Long.parseLong(scan.group(1)) * Long.parseLong(scan.group(2));
            }
        }
        return rows;
    }
}
