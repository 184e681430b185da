package org.agreementledger.projection.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.agreementledger.projection.ProjectionServiceApplication;
import org.agreementledger.projection.live.SseClient;
import org.agreementledger.projection.support.FaultyProjector;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two projection-service instances in one consumer group split the partitions between them and, writing to the
 * same views, give exactly the views a single instance builds alone.
 */
class TwoInstancesTest extends ProjectionIntegrationTest {

    private static final CountryCode US = CountryCode.of("US");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PARTNERS = {"MX", "GT", "SV", "HN", "CR", "PA", "CO", "DO", "EC", "PE"};

    @Autowired
    JdbcTemplate jdbc;

    @Value("${projection.kafka.group-id}")
    String groupId;

    @LocalServerPort
    int port;

    @Test
    void twoInstancesInOneGroupSplitThePartitionsAndBuildTheSameViewsAsOne() throws Exception {
        String bootstrap = SharedTestInfrastructure.get().kafka().bootstrapServers();
        String aloneDatabase = SharedTestInfrastructure.get().freshDatabase("projection-alone");
        try (ConfigurableApplicationContext second = instance(DATABASE_URL, groupId);
             ConfigurableApplicationContext alone = instance(aloneDatabase, groupId + "-alone")) {
            awaitTwoMembers(bootstrap);

            List<String> ids = new ArrayList<>();
            try (LedgerRecords records = new LedgerRecords(TOPIC)) {
                for (int i = 0; i < 40; i++) {
                    AgreementId id = AgreementId.generate();
                    ids.add(id.value());
                    CountryCode partner = CountryCode.of(PARTNERS[i % PARTNERS.length]);
                    LocalDate day = LocalDate.of(2025, 2, 1).plusDays(i % 28);
                    records.publish(new AgreementOffered(id, US, List.of(US, partner), day,
                            new AgreementTerms("Agreement " + i, List.of(), List.of(), new Validity(day, null)), null), 0);
                    records.publish(new AgreementAccepted(id, partner, day), 1);
                    records.publish(new AgreementEnteredIntoForce(id, day), 2);
                }
            }

            JdbcTemplate aloneJdbc = alone.getBean(JdbcTemplate.class);
            awaitAllInForce(jdbc, ids);
            awaitAllInForce(aloneJdbc, ids);
            assertThat(rows(jdbc, ids)).isEqualTo(rows(aloneJdbc, ids));
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT kafka_partition) FROM agreement_history WHERE agreement_id IN ("
                    + placeholders(ids) + ")", Integer.class, ids.toArray())).isGreaterThan(1);
        }
    }

    /**
     * A rebuild swaps the views of every instance, not only its own: while it catches up and swaps, no instance
     * writes to the views, and afterwards the other instance goes on in the rebuilt views and tells its own live
     * subscribers to reload. Without that barrier, what the other instance applied in between went into the replaced
     * views and was lost with them.
     */
    @Test
    void aRebuildOnOneInstanceKeepsEveryEventTheOtherAppliesMeanwhileAndTellsTheOthersSubscribers() throws Exception {
        try (ConfigurableApplicationContext second = instance(DATABASE_URL, groupId);
             LedgerRecords records = new LedgerRecords(TOPIC)) {
            awaitTwoMembers(SharedTestInfrastructure.get().kafka().bootstrapServers());
            AgreementId early = offer(records, 0);
            awaitApplied(jdbc, early, 0);
            FaultyProjector.Stall inReplay = FaultyProjector.stallRebuildAt(early, 0);
            String secondInstance = "http://localhost:" + second.getEnvironment().getProperty("local.server.port");
            String operator = TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1));
            HttpClient http = HttpClient.newHttpClient();

            try (SseClient secondsSubscriber = new SseClient(secondInstance + "/live/events", dashboardToken(), null)) {
                CompletableFuture<HttpResponse<String>> rebuilding = http.sendAsync(
                        rebuildRequest("http://localhost:" + port, operator), HttpResponse.BodyHandlers.ofString());
                List<String> meanwhile = new ArrayList<>();
                AgreementId late = AgreementId.generate();
                FaultyProjector.Stall inCatchUp = FaultyProjector.stallRebuildAt(late, 0);
                try {
                    assertThat(inReplay.reached().await(30, TimeUnit.SECONDS)).as("the rebuild's replay").isTrue();
                    HttpResponse<String> elsewhere = http.send(rebuildRequest(secondInstance, operator),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(elsewhere.statusCode()).as("a second rebuild, on the other instance").isEqualTo(409);
                    assertThat(elsewhere.body()).contains("/rebuild-running");
                    assertThat(rebuildStatus(http, secondInstance, operator).get("state").asText())
                            .as("the rebuild, as the other instance reports it").isEqualTo("RUNNING");
                    // published after the replay's end offsets were taken: the rebuild applies it while catching up
                    publishOffer(records, late, 1);
                    awaitApplied(jdbc, late, 0);
                    inReplay.released().countDown();
                    assertThat(inCatchUp.reached().await(30, TimeUnit.SECONDS)).as("the rebuild's catch-up").isTrue();

                    for (int i = 0; i < 20; i++) {
                        meanwhile.add(offer(records, 2 + i).value());
                    }
                    // time enough for either instance to apply them, were it allowed to
                    Thread.sleep(2_000);
                    assertThat(countIn(jdbc, "agreement_view", meanwhile)).as("applied while the rebuild swaps").isZero();
                } finally {
                    inReplay.released().countDown();
                    inCatchUp.released().countDown();
                }

                HttpResponse<String> done = rebuilding.get(60, TimeUnit.SECONDS);
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                JsonNode reported = rebuildStatus(http, secondInstance, operator);
                assertThat(reported.get("state").asText()).isEqualTo("DONE");
                assertThat(reported.get("report")).as("the report, from the other instance").isEqualTo(JSON.readTree(done.body()));
                awaitCount(jdbc, "agreement_view", meanwhile);
                assertThat(countIn(jdbc, "agreement_history", meanwhile)).isEqualTo(meanwhile.size());
                assertThat(countIn(jdbc, "sequence_gap", meanwhile)).isZero();
                // which also shows that the other instance applied some of them (it pushes only what it applies)
                assertThat(secondsSubscriber.next(Duration.ofSeconds(30), event -> "resync".equals(event.name())))
                        .as("the other instance's subscriber is told to reload").isNotNull();
            }
        }
    }

    /**
     * A quiet ledger may send no event for hours after a rebuild: the other instance's subscribers must not wait for
     * one to learn that the views they were sent have been replaced.
     */
    @Test
    void theOtherInstancesSubscribersAreToldOfARebuildThoughNoEventFollowsIt() throws Exception {
        try (ConfigurableApplicationContext second = instance(DATABASE_URL, groupId);
             LedgerRecords records = new LedgerRecords(TOPIC)) {
            awaitTwoMembers(SharedTestInfrastructure.get().kafka().bootstrapServers());
            awaitApplied(jdbc, offer(records, 0), 0);
            String secondInstance = "http://localhost:" + second.getEnvironment().getProperty("local.server.port");
            String operator = TOKENS.mint("operator", null, List.of("ledger.admin"), Duration.ofHours(1));

            try (SseClient secondsSubscriber = new SseClient(secondInstance + "/live/events", dashboardToken(), null)) {
                HttpResponse<String> done = HttpClient.newHttpClient().send(
                        rebuildRequest("http://localhost:" + port, operator), HttpResponse.BodyHandlers.ofString());
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(secondsSubscriber.next(Duration.ofSeconds(10), event -> "resync".equals(event.name())))
                        .as("the other instance's subscriber, no event having followed the rebuild").isNotNull();
            }
        }
    }

    private static JsonNode rebuildStatus(HttpClient http, String instance, String token) throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(instance + "/admin/rebuild"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        return JSON.readTree(status.body());
    }

    private static HttpRequest rebuildRequest(String instance, String token) {
        return HttpRequest.newBuilder(URI.create(instance + "/admin/rebuild")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static AgreementId offer(LedgerRecords records, int i) {
        AgreementId id = AgreementId.generate();
        publishOffer(records, id, i);
        return id;
    }

    private static void publishOffer(LedgerRecords records, AgreementId id, int i) {
        CountryCode partner = CountryCode.of(PARTNERS[i % PARTNERS.length]);
        LocalDate day = LocalDate.of(2025, 3, 1).plusDays(i % 28);
        records.publish(new AgreementOffered(id, US, List.of(US, partner), day,
                new AgreementTerms("Offer " + i, List.of(), List.of(), new Validity(day, null)), null), 0);
    }

    private static int countIn(JdbcTemplate jdbc, String table, List<String> ids) {
        Integer count = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE agreement_id IN ("
                + placeholders(ids) + ")", Integer.class, ids.toArray());
        return count == null ? 0 : count;
    }

    private static void awaitCount(JdbcTemplate jdbc, String table, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countIn(jdbc, table, ids) < ids.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(countIn(jdbc, table, ids) + " of " + ids.size() + " agreements in " + table);
            }
            Thread.sleep(100);
        }
    }

    private ConfigurableApplicationContext instance(String databaseUrl, String group) {
        // command-line arguments, so that they win over application.yml as they would for a deployed instance
        return new SpringApplicationBuilder(ProjectionServiceApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=test",
                "--spring.datasource.password=test",
                "--spring.lifecycle.timeout-per-shutdown-phase=2s",
                "--projection.kafka.bootstrap-servers=" + SharedTestInfrastructure.get().kafka().bootstrapServers(),
                "--projection.kafka.topic=" + TOPIC,
                "--projection.kafka.group-id=" + group,
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + TOKENS.publicKeyFile().toAbsolutePath());
    }

    private void awaitTwoMembers(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                var group = admin.describeConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS).get(groupId);
                List<MemberDescription> members = new ArrayList<>(group.members());
                if (members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the two instances never split the partitions");
    }

    private static void awaitAllInForce(JdbcTemplate jdbc, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Integer inForce = jdbc.queryForObject("SELECT count(*) FROM agreement_view WHERE status = 'IN_FORCE' AND agreement_id IN ("
                    + placeholders(ids) + ")", Integer.class, ids.toArray());
            if (inForce != null && inForce == ids.size()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not every agreement reached the views");
    }

    private static List<Map<String, Object>> rows(JdbcTemplate jdbc, List<String> ids) {
        return jdbc.queryForList("SELECT agreement_id, offering_party, parties::text, title, offered_on, status, terms::text, "
                + "accepted_by::text, in_force_on, version, last_event_at FROM agreement_view WHERE agreement_id IN ("
                + placeholders(ids) + ") ORDER BY agreement_id", ids.toArray());
    }

    private static String placeholders(List<String> ids) {
        return String.join(",", ids.stream().map(id -> "?").toList());
    }
}
