package org.agreementledger.ledger.axon;

import org.agreementledger.infra.QueryPlans;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger reads an agreement's last sequence before every command on it. However long the agreement's history,
 * that costs one entry of the index, also while PostgreSQL's statistics know nothing of that history yet (as after a
 * burst of commands on one agreement). Axon's {@code max(sequenceNumber)} left that to a near tie in the planner's
 * costs, which on the benchmark's event table of over a million rows went to reading the agreement's whole history
 * (docs/benchmarks.md, run Z18); at this test's size it does not, so here the statement is only held to one entry.
 */
class LastSequenceNumberTest extends LedgerIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCommandOnAnAgreementWithALongHistoryReadsOnlyItsLastEvent() {
        String agreement = UUID.randomUUID().toString();
        String lastSequence = EventStoreConfig.lastSequenceNumberSql(new EventSchema());
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            status.setRollbackOnly();
            // the event table's columns and indexes, none of its triggers, in this transaction's temporary schema,
            // which the unqualified name finds first: statistics taken over 20,000 one-event agreements, then one
            // agreement's 20,000 events that they do not know of
            jdbc.execute("CREATE TEMPORARY TABLE domainevententry (LIKE public.domainevententry INCLUDING ALL)"
                    + " ON COMMIT DROP");
            appendEvents("gen_random_uuid()::text", "0");
            jdbc.execute("ANALYZE domainevententry");
            appendEvents("'" + agreement + "'", "n");

            assertThat(jdbc.queryForObject(lastSequence, Long.class, agreement)).isEqualTo(19_999L);
            List<String> plan = jdbc.queryForList("EXPLAIN ANALYZE " + lastSequence, String.class, agreement);
            assertThat(QueryPlans.rowsScanned(plan, "domainevententry"))
                    .as("index entries read for the last sequence of 20,000").isEqualTo(1);
        });
    }

    /** 20,000 events, each of {@code agreement} (SQL) at {@code sequence} (SQL, of {@code n}: 0 to 19,999). */
    private void appendEvents(String agreement, String sequence) {
        jdbc.update("INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type,"
                + " timestamp, payloadtype, payload) SELECT gen_random_uuid()::text, " + agreement + ", " + sequence
                + ", 'Agreement', '2025-02-03T00:00:00Z', 'AgreementAmended', '\\x7b7d'"
                + " FROM generate_series(0, 19999) n");
    }
}
