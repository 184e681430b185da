package org.agreementledger.projection.consumer;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.CapturedSpans;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The last step of one trace from a request to the views: the ledger's record carries the W3C context of its
 * publication in {@code ce_traceparent} (ledger-service's ARequestsTraceReachesTheKafkaRecordTest), and applying it
 * is a span of that trace. Records from before tracing carry none and are applied as before.
 */
class AppliedRecordsJoinTheirTraceTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final LocalDate FEB_5 = LocalDate.of(2025, 2, 5);

    @Autowired
    CapturedSpans spans;

    @Autowired
    JdbcTemplate jdbc;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void applyingARecordIsASpanOfTheTraceItCarries() {
        String traceId = hex(16);
        String ledgersPublication = hex(8);
        AgreementId id = AgreementId.generate();

        records.publishTraced(offer(id), 0, "00-" + traceId + "-" + ledgersPublication + "-01");

        await().atMost(Duration.ofSeconds(20)).until(() -> !spans.ofTrace(traceId).isEmpty());
        SpanData applying = spans.ofTrace(traceId).get(0);
        assertThat(applying.getName()).isEqualTo("apply AgreementOffered");
        assertThat(applying.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(applying.getParentSpanId()).as("a child of the ledger's publication").isEqualTo(ledgersPublication);
        assertThat(historyOf(id)).isEqualTo(1);
    }

    @Test
    void aRecordFromBeforeTracingIsAppliedAsBefore() {
        AgreementId id = AgreementId.generate();

        records.publish(offer(id), 0);

        await().atMost(Duration.ofSeconds(20)).until(() -> historyOf(id) == 1);
    }

    private static AgreementOffered offer(AgreementId id) {
        return new AgreementOffered(id, GT, List.of(GT, US), FEB_5,
                new AgreementTerms("Safe third country", List.of(), List.of(), new Validity(FEB_5, null)), null);
    }

    private long historyOf(AgreementId id) {
        return jdbc.queryForObject("SELECT count(*) FROM agreement_history WHERE agreement_id = ?", Long.class, id.value());
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
