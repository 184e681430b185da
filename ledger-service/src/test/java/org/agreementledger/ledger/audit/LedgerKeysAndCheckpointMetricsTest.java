package org.agreementledger.ledger.audit;

import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.integrity.LedgerKeys;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The key set answers what JWKS clients ask for; the checkpoint gauges Prometheus alerts on are exported. */
class LedgerKeysAndCheckpointMetricsTest extends LedgerIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void theKeySetIsServedAsPlainJsonToClientsThatAskForIt() throws Exception {
        HttpResponse<String> keys = get("/.well-known/ledger-keys", "application/json");

        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(LedgerKeys.fromJwk(LedgerJson.readTree(keys.body().getBytes()))).isNotNull();
    }

    @Test
    void theKeySetIsServedAsJwkSetJson() throws Exception {
        HttpResponse<String> keys = get("/.well-known/ledger-keys", "application/jwk-set+json");

        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/jwk-set+json"));
        assertThat(LedgerKeys.fromJwk(LedgerJson.readTree(keys.body().getBytes()))).isNotNull();
    }

    @Test
    void aPublishedCheckpointSetsTheGaugesTheCheckpointAlertReads() throws Exception {
        LedgerHttp operator = new LedgerHttp(port, TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1)));
        assertThat(operator.post("/admin/checkpoints", "").statusCode()).isEqualTo(201);
        double now = System.currentTimeMillis() / 1000.0;

        String scrape = get("/actuator/prometheus", "text/plain").body();

        assertThat(gauge(scrape, "ledger_checkpoints_last_published_seconds")).isCloseTo(now, within(60.0));
        assertThat(gauge(scrape, "ledger_checkpoints_last_current_seconds")).isCloseTo(now, within(60.0));
        assertThat(gauge(scrape, "ledger_checkpoints_interval_seconds")).isEqualTo(300.0);
    }

    private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double gauge(String scrape, String name) {
        Matcher line = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(scrape);
        assertThat(line.find()).as("%s in /actuator/prometheus", name).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
