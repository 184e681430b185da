package org.agreementledger.projection.consumer;

import org.agreementledger.infra.QueryPlans;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
            jdbc.execute("CREATE TEMPORARY TABLE agreement_history (LIKE views.agreement_history INCLUDING ALL)"
                    + " ON COMMIT DROP");
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

            List<String> plan = new ArrayList<>();
            jdbc.query(VarcharArrays.statement("EXPLAIN ANALYZE " + EventApplier.LAST_SEQUENCES,
                    new String[] {agreements[0]}), rs -> {
                        plan.add(rs.getString(1));
                    });
            assertThat(QueryPlans.rowsScanned(plan, "agreement_history"))
                    .as("timeline rows read for the agreement of 20,000 events").isEqualTo(1);
        });
    }
}
