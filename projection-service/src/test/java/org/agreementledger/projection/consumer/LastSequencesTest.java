package org.agreementledger.projection.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every batch reads where each of its agreements stands in the views. However long an agreement's timeline, that
 * costs one row of its key: read as {@code max(sequence) ... GROUP BY}, it was the whole timeline, in every batch
 * (about 10 ms at 46,000 events of one agreement), so an agreement's events took longer to reach the views the more
 * it had.
 */
class LastSequencesTest extends ProjectionIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aBatchOnAnAgreementWithALongTimelineReadsOnlyItsLastRow() {
        String[] agreements = {UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            status.setRollbackOnly();
            // the timeline's columns and key in this transaction's temporary schema, which the unqualified name finds
            // first: 20,000 events of the first agreement, none of the second
            jdbc.execute("CREATE TEMPORARY TABLE agreement_history (LIKE views.agreement_history INCLUDING ALL) ON COMMIT DROP");
            jdbc.update("""
                    INSERT INTO agreement_history (agreement_id, sequence, event_id, type, occurred_at, payload,
                                                   kafka_partition, kafka_offset)
                    SELECT ?, n, gen_random_uuid()::text, 'OfferAmended', now(), '{}', 0, n
                    FROM generate_series(0, 19999) n""", agreements[0]);

            Map<String, Long> last = new HashMap<>();
            jdbc.query(VarcharArrays.statement(EventApplier.LAST_SEQUENCES, agreements), rs -> {
                Long sequence = rs.getObject(2, Long.class);
                last.put(rs.getString(1), sequence);
            });
            assertThat(last.get(agreements[0])).isEqualTo(19_999L);
            assertThat(last.get(agreements[1])).as("an agreement the views have not seen").isNull();

            String[] plan = new String[1];
            jdbc.query(VarcharArrays.statement("EXPLAIN (ANALYZE, FORMAT JSON) " + EventApplier.LAST_SEQUENCES,
                    new String[] {agreements[0]}), rs -> {
                        plan[0] = rs.getString(1);
                    });
            assertThat(rowsRead(plan[0])).as("timeline rows read for the agreement of 20,000 events").isEqualTo(1);
        });
    }

    /** Rows that every scan of a table in the plan returned, over all its loops. */
    private static long rowsRead(String plan) {
        try {
            return rowsRead(JSON.readTree(plan).get(0).get("Plan"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long rowsRead(JsonNode node) {
        long rows = node.get("Node Type").asText().endsWith("Scan") && node.has("Relation Name")
                ? node.get("Actual Rows").asLong() * node.get("Actual Loops").asLong() : 0;
        for (JsonNode child : node.path("Plans")) {
            rows += rowsRead(child);
        }
        return rows;
    }
}
