package org.agreementledger.projection.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A load balancer or Kubernetes following readiness stops sending readers to a projection that is behind or stuck,
 * and sends them again once it has caught up; liveness stays UP throughout, so nothing restarts it for a database
 * lock that a restart would not release. (The test base sets max-lag 50 and stall-after 3 s.)
 */
class ReadinessTest extends ProjectionIntegrationTest {

    private static final CountryCode MX = CountryCode.of("MX");
    private static final CountryCode US = CountryCode.of("US");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @Test
    void readinessTurnsAwayReadersWhileTheViewsAreBehindOrStuckAndTakesThemBackOnceCaughtUp() throws Exception {
        await("/actuator/health/readiness", answer -> answer.code == 200, "ready before the test");

        try (Connection blocker = DriverManager.getConnection(DATABASE_URL, "test", "test");
             LedgerRecords records = new LedgerRecords(TOPIC)) {
            // another session holds the views against writes: the consumer's batches wait, nothing is applied
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE views.agreement_history IN EXCLUSIVE MODE");
            }
            for (int i = 0; i < 60; i++) {
                records.publish(new AgreementOffered(AgreementId.generate(), US, List.of(US, MX), LocalDate.of(2025, 2, 3),
                        new AgreementTerms("waiting " + i, List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null), 0);
            }

            Answer behind = await("/actuator/health/readiness",
                    answer -> answer.code == 503 && reasons(answer).anyMatch(r -> r.contains("records wait to be applied")),
                    "not ready: more records wait than projection.readiness.max-lag");
            assertThat(projection(behind).get("details").get("lag").get("total").asLong()).isGreaterThan(50);

            Answer stuck = await("/actuator/health/readiness",
                    answer -> answer.code == 503 && "OUT_OF_SERVICE".equals(projection(answer).get("status").asText()),
                    "out of service: no progress for projection.readiness.stall-after");
            assertThat(reasons(stuck)).anyMatch(r -> r.contains("without progress"));
            assertThat(get("/actuator/health/liveness").code).as("liveness stays a liveness probe").isEqualTo(200);

            blocker.rollback();
        }
        Answer ready = await("/actuator/health/readiness", answer -> answer.code == 200, "ready again once caught up");
        assertThat(projection(ready).get("status").asText()).isEqualTo("UP");
        assertThat(reasons(ready)).isEmpty();
    }

    private record Answer(int code, JsonNode body) {
    }

    private static JsonNode projection(Answer answer) {
        return answer.body.get("components").get("projection");
    }

    private static Stream<String> reasons(Answer answer) {
        JsonNode reasons = projection(answer).get("details").get("reasons");
        return StreamSupport.stream(reasons.spliterator(), false).map(JsonNode::asText);
    }

    private Answer get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    private Answer await(String path, Predicate<Answer> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Answer answer = null;
        while (System.nanoTime() < deadline) {
            answer = get(path);
            if (until.test(answer)) {
                return answer;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never " + what + ": " + (answer == null ? "no answer" : answer.code + " " + answer.body));
    }
}
