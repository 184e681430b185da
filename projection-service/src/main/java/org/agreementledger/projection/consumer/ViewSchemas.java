package org.agreementledger.projection.consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schemas of views loaded in bulk from the log (a rebuild's twin, an as-of scratch schema): the live views' tables
 * with their keys and constraints, which applying events needs, but without the secondary indexes, which only
 * queries need and which are cheaper to build once over the loaded rows than to maintain row by row. An as-of scratch
 * schema is unlogged (no WAL: a crash empties it, and it is dropped after its query anyway); a rebuild's twin, which
 * replaces the live views, is logged from the start.
 */
@Component
public class ViewSchemas {

    /**
     * Every table of the views, with the columns that applying the same records again must reproduce (what a rebuild
     * compares): not the time a gap was detected, nor the live feed's numbering, which follow when the records were
     * applied and the order partitions were read in, not the log; not when a record was parked, nor the error's
     * wording, which may name the run's own objects.
     */
    public static final Map<String, String> REPLAYED_COLUMNS = replayedColumns();

    /** Every table of the views. */
    public static final List<String> TABLES = List.copyOf(REPLAYED_COLUMNS.keySet());

    private static Map<String, String> replayedColumns() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("agreement_view", "*");
        columns.put("agreement_history", "agreement_id, sequence, event_id, type, occurred_at, correlation_id, "
                + "causation_id, principal, country, payload, kafka_partition, kafka_offset");
        columns.put("transfer_view", "*");
        columns.put("transfer_month", "*");
        columns.put("transfer_coverage", "*");
        columns.put("commitment_use", "*");
        columns.put("country_status", "*");
        columns.put("fee_balance", "*");
        columns.put("consumer_position", "*");
        columns.put("sequence_gap", "agreement_id, expected_sequence, received_sequence, kafka_partition, kafka_offset");
        columns.put("parked_event", "topic, kafka_partition, kafka_offset, agreement_id, sequence, event_type, reason");
        return Collections.unmodifiableMap(columns);
    }

    private final JdbcTemplate jdbc;
    private final BulkTransactions transaction;

    ViewSchemas(JdbcTemplate jdbc, BulkTransactions transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** The statements that build a bulk-loaded schema's secondary indexes, once its rows are in. */
    public record DeferredIndexes(List<String> definitions) {
    }

    /**
     * Creates {@code schema} (dropping any left by an interrupted run) ready for a bulk load, for scratch: unlogged,
     * never written to the WAL, emptied by a crash.
     */
    public DeferredIndexes createScratchForBulkLoad(String schema) {
        return createForBulkLoad(schema, "UNLOGGED TABLE");
    }

    /**
     * Creates {@code schema} (dropping any left by an interrupted run) ready for a bulk load, crash-safe as the live
     * views are: the rows go to the WAL as they are loaded. Loading unlogged tables and then rewriting each into the
     * WAL ({@code SET LOGGED}) read and wrote every table twice: 2.4-2.7 s against 1.85-1.9 s for 300,000 timeline rows
     * on a scratch PostgreSQL (docs/benchmarks.md, run Y). A batch need not wait for its commit's fsync even so: the
     * schema is only swapped in by a transaction that commits synchronously after them in the WAL.
     */
    public DeferredIndexes createDurableForBulkLoad(String schema) {
        return createForBulkLoad(schema, "TABLE");
    }

    private DeferredIndexes createForBulkLoad(String schema, String kind) {
        return transaction.execute(status -> {
            jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            jdbc.execute("CREATE SCHEMA " + schema);
            for (String table : TABLES) {
                jdbc.execute("CREATE " + kind + " " + schema + "." + table + " (LIKE " + EventApplier.LIVE_SCHEMA + "."
                        + table + " INCLUDING ALL)");
            }
            List<String> definitions = jdbc.queryForList("""
                    SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
                    JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                    WHERE n.nspname = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                    ORDER BY 1""", String.class, schema);
            jdbc.queryForList("""
                    SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname) FROM pg_index i
                    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
                    JOIN pg_namespace n ON n.oid = t.relnamespace
                    WHERE n.nspname = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                    String.class, schema).forEach(index -> jdbc.execute("DROP INDEX " + index));
            return new DeferredIndexes(definitions);
        });
    }

    /** Builds the indexes left out of a bulk load, so the schema answers queries as the live one does. */
    public void buildIndexes(DeferredIndexes indexes) {
        transaction.run(() -> indexes.definitions().forEach(jdbc::execute));
    }

    /**
     * Gathers the planner's statistics of every table of the schema. Bulk-loaded tables have none until autovacuum's
     * next round; views swapped in without them would be queried on the planner's guesses meanwhile.
     */
    public void analyze(String schema) {
        transaction.run(() -> TABLES.forEach(table -> jdbc.execute("ANALYZE " + schema + "." + table)));
    }
}
