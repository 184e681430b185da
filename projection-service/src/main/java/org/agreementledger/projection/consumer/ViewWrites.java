package org.agreementledger.projection.consumer;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The statements projectors write for the events of one transaction. Every view row belongs to one agreement, so the
 * statements of different agreements commute and only each agreement's own order matters: deferred, they are sent in
 * rounds, each round taking from every agreement its next statements of one text (as many in a row as it has), one
 * JDBC batch per statement text (multi-row for inserts; COPY for many rows of a plain {@link Insert}), which runs them
 * in order. A poll of 500 offers then costs one round trip per statement shape instead of one per event, and so does
 * a poll of 500 amendments of one agreement.
 * Immediate when a record is applied on its own, in its savepoint, so that its failure surfaces at that record.
 */
public final class ViewWrites {

    private final JdbcTemplate jdbc;
    private final boolean deferred;
    private final Map<String, Pending> byAgreement = new LinkedHashMap<>();
    private String agreementId;

    /**
     * @param insert     the plain insert the statement is, or null
     * @param overwrites whether it is an {@link #overwrite}
     */
    private record Statement(String sql, Object[] args, Insert insert, boolean overwrites) {
    }

    /** One agreement's statements in order, and the latest of each of its {@link #updateLatest} statements. */
    private record Pending(List<Statement> statements, Map<String, Statement> latest) {

        Pending() {
            this(new ArrayList<>(), new LinkedHashMap<>());
        }

        List<Statement> inOrder() {
            return Stream.concat(statements.stream(), latest.values().stream()).toList();
        }
    }

    /**
     * A plain {@code INSERT} of one row into {@code table}: the rows of many events are sent with COPY
     * ({@link CopyRows}), fewer as a batch of {@code sql}.
     */
    public record Insert(String table, List<String> columns, String sql) {

        /**
         * @param columns each column's name, followed by the cast its parameter needs in an {@code INSERT} if any
         *                ({@code "terms::jsonb"}); COPY needs none, reading each value as its column's type
         */
        public static Insert into(String table, String... columns) {
            List<String> names = Arrays.stream(columns).map(column -> column.split("::")[0]).toList();
            String values = Arrays.stream(columns)
                    .map(column -> column.contains("::") ? "?::" + column.split("::")[1] : "?")
                    .collect(Collectors.joining(", "));
            return new Insert(table, names, "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                    + values + ")");
        }
    }

    ViewWrites(JdbcTemplate jdbc, boolean deferred) {
        this.jdbc = jdbc;
        this.deferred = deferred;
    }

    /** The agreement whose event the projectors are given next: every statement until the next call concerns it. */
    void forAgreement(String agreementId) {
        this.agreementId = agreementId;
    }

    /** An {@code INSERT}, {@code UPDATE} or {@code DELETE} of the current event's agreement's rows. */
    public void update(String sql, Object... args) {
        if (!deferred) {
            jdbc.update(sql, args);
            return;
        }
        pending().statements().add(new Statement(sql, args, null, false));
    }

    /**
     * An {@code UPDATE} of the current event's agreement's row that sets its columns to its own values, reading none of
     * the row: of a run of them with nothing else of the agreement's between, only the last one's effect remains, so a
     * batch sends that one alone (an offer amended a hundred times in a poll is one update of its row, not a hundred
     * versions of it in one transaction).
     */
    public void overwrite(String sql, Object... args) {
        if (!deferred) {
            jdbc.update(sql, args);
            return;
        }
        pending().statements().add(new Statement(sql, args, null, true));
    }

    /**
     * An {@code UPDATE} of the current event's agreement's row of which only a batch's latest matters: it sets values
     * that no other statement reads or writes (the version and time of the agreement's latest event), so a batch sends
     * one, the last, after the agreement's other statements. Sent with every event, it split a busy agreement's other
     * statements into rounds of one (docs/benchmarks.md run Z37).
     */
    public void updateLatest(String sql, Object... args) {
        if (!deferred) {
            jdbc.update(sql, args);
            return;
        }
        Map<String, Statement> latest = pending().latest();
        latest.remove(sql);
        latest.put(sql, new Statement(sql, args, null, false));
    }

    private Pending pending() {
        return byAgreement.computeIfAbsent(agreementId, id -> new Pending());
    }

    /** An {@link Insert} of one row of the current event's agreement. */
    public void insert(Insert insert, Object... values) {
        if (!deferred) {
            jdbc.update(insert.sql(), values);
            return;
        }
        pending().statements().add(new Statement(insert.sql(), values, insert, false));
    }

    /** Sends what was deferred, keeping each agreement's order. */
    void flush() {
        List<List<Statement>> lists = byAgreement.values().stream().map(Pending::inOrder).toList();
        int[] sent = new int[lists.size()];
        boolean more = true;
        while (more) {
            more = false;
            Map<String, List<Statement>> batches = new LinkedHashMap<>();
            for (int i = 0; i < lists.size(); i++) {
                List<Statement> statements = lists.get(i);
                int from = sent[i];
                if (from == statements.size()) {
                    continue;
                }
                String sql = statements.get(from).sql();
                int to = from + 1;
                while (to < statements.size() && statements.get(to).sql().equals(sql)) {
                    to++;
                }
                List<Statement> run = statements.get(from).overwrites() ? statements.subList(to - 1, to)
                        : statements.subList(from, to);
                batches.computeIfAbsent(sql, text -> new ArrayList<>()).addAll(run);
                sent[i] = to;
                more |= to < statements.size();
            }
            batches.forEach((sql, statements) -> {
                List<Object[]> args = statements.stream().map(Statement::args).toList();
                Insert insert = statements.get(0).insert();
                if (insert != null) {
                    CopyRows.insert(jdbc, insert, args);
                } else if (args.size() == 1) {
                    jdbc.update(sql, args.get(0));
                } else {
                    jdbc.batchUpdate(sql, args);
                }
            });
        }
        byAgreement.clear();
    }
}
