package org.agreementledger.ledger.axon;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An operator reads on /actuator/health whether each of the ledger's event processors runs, without a token, and when. */
class EveryProcessorIsInTheHealthTest extends LedgerIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    ThreadPoolTaskScheduler scheduler;

    @Test
    void thePublisherAndTheExpiryWatchAreEachReportedRunning() {
        LedgerHttp anonymous = new LedgerHttp(port, null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = anonymous.get("/actuator/health/processors");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode details = anonymous.json(response).path("details");
            assertThat(details.path("kafka-publisher").path("state").asText()).isEqualTo("running");
            assertThat(details.path("expiry-watch").path("state").asText()).isEqualTo("running");
        });
        assertThat(anonymous.get("/actuator/prometheus").body())
                .contains("ledger_processor_stopped{application=\"ledger-service\",processor=\"kafka-publisher\"} 0.0");
    }

    @Test
    void theHealthsMeasurementsDoNotWaitBehindASigning() {
        // a checkpoint's read of every head may take minutes; the lag would then be reported stale meanwhile
        assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isGreaterThanOrEqualTo(3);
    }
}
