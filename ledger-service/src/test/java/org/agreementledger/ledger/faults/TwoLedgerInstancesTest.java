package org.agreementledger.ledger.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.ledger.LedgerServiceApplication;
import org.agreementledger.ledger.axon.ChainMetaData;
import org.agreementledger.ledger.support.LedgerHttp;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.agreementledger.ledger.transfer.TreatyRulesOverHttpTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ledger-service instances on one database and one Kafka, 50 concurrent commands on one agreement. A command
 * without If-Match is decided again on the new state when the other instance appended first (never a 500); with one
 * If-Match, the named version is won exactly once. The hash chain has no fork and no gap.
 */
class TwoLedgerInstancesTest extends LedgerIntegrationTest {

    private static final int REQUESTS = 50;
    private static final String TRANSFER = """
            {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-16",
             "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 1}]}""";

    private static ConfigurableApplicationContext second;

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Autowired
    JdbcTemplate jdbc;

    private String agreementId;

    @BeforeEach
    void aSecondInstanceRunsBesideTheFirst() {
        if (second == null) {
            List<String> args = new ArrayList<>(List.of("--server.port=0"));
            for (String property : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                    "ledger.kafka.bootstrap-servers", "ledger.kafka.topic", "ledger.checkpoints.topic",
                    "ledger.checkpoints.key-directory", "spring.security.oauth2.resourceserver.jwt.public-key-location")) {
                args.add("--" + property + "=" + environment.getProperty(property));
            }
            second = new SpringApplicationBuilder(LedgerServiceApplication.class).run(args.toArray(String[]::new));
        }
        agreementId = as(port, "SV").ok("/agreements", TreatyRulesOverHttpTest.EL_SALVADOR_OFFER).get("agreementId").asText();
        as(port, "US").ok("/agreements/" + agreementId + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-05\"}");
    }

    @AfterAll
    static void stopTheSecondInstance() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

    @Test
    void concurrentCommandsWithoutIfMatchAreEachDecidedOnTheLatestStateAndNoneFails() throws Exception {
        long before = eventsOf(agreementId);
        List<HttpResponse<String>> answers = concurrently(i -> instance(i).post(
                "/agreements/" + agreementId + "/transfers", TRANSFER));

        Map<Integer, Long> byStatus = answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus.keySet()).as(byStatus.toString()).isSubsetOf(201, 409);
        long recorded = byStatus.getOrDefault(201, 0L);
        assertThat(recorded).as("most lost races are decided again rather than refused").isGreaterThan(REQUESTS / 2);
        assertThat(eventsOf(agreementId) - before).isEqualTo(recorded);
        List<Long> versions = answers.stream().filter(a -> a.statusCode() == 201)
                .map(a -> json(a).get("version").asLong()).sorted().toList();
        assertThat(versions).as("every answer names its own event").doesNotHaveDuplicates();
        assertThat(versions).containsExactlyElementsOf(LongStream.range(before, before + recorded).boxed().toList());
        answers.stream().filter(a -> a.statusCode() == 201).forEach(a -> assertThat(a.headers().firstValue("ETag"))
                .hasValue("\"" + json(a).get("version").asLong() + "\""));
        assertChainUnbroken(agreementId);
    }

    @Test
    void concurrentCommandsNamingOneVersionWinItExactlyOnce() throws Exception {
        long version = eventsOf(agreementId) - 1;
        long before = eventsOf(agreementId);
        List<HttpResponse<String>> answers = concurrently(i -> instance(i).post(
                "/agreements/" + agreementId + "/transfers", TRANSFER, Map.of("If-Match", "\"" + version + "\"")));

        Map<Integer, Long> byStatus = answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        assertThat(byStatus.get(201)).as(byStatus.toString()).isEqualTo(1);
        assertThat(byStatus.keySet()).as(byStatus.toString()).isSubsetOf(201, 412);
        assertThat(eventsOf(agreementId)).isEqualTo(before + 1);
        assertChainUnbroken(agreementId);
    }

    private LedgerHttp instance(int request) {
        int instancePort = request % 2 == 0 ? port : ((WebServerApplicationContext) second).getWebServer().getPort();
        return LedgerHttp.checked(instancePort, countryToken("US"));
    }

    private List<HttpResponse<String>> concurrently(java.util.function.IntFunction<HttpResponse<String>> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int index = i;
                calls.add(() -> request.apply(index));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : pool.invokeAll(calls)) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every event's previous hash is the hash of the event before it: no fork, no gap. */
    private void assertChainUnbroken(String agreement) {
        List<String> metaData = jdbc.queryForList("""
                SELECT convert_from(metadata, 'UTF8') FROM domainevententry WHERE aggregateidentifier = ?
                ORDER BY sequencenumber""", String.class, agreement);
        String previous = null;
        for (String each : metaData) {
            JsonNode seal = LedgerJson.readTree(each.getBytes(StandardCharsets.UTF_8));
            if (previous != null) {
                assertThat(seal.path(ChainMetaData.PREVIOUS_HASH).asText()).isEqualTo(previous);
            }
            previous = seal.path(ChainMetaData.HASH).asText();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return LedgerJson.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private long eventsOf(String agreement) {
        return jdbc.queryForObject("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, agreement);
    }
}
