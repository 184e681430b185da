package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.auditor.Auditor;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.infra.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a service under concurrent load, on the real stack. Clients behave as a ministry's integration service
 * should: every request carries its own Idempotency-Key and is retried with it until it is answered. After each
 * crash and restart, every acknowledged command is in the store, on the topic exactly once and in the views, every
 * retry got the original answer (never a lasting 409), and the projection equals the auditor's full replay.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashesUnderLoadIT {

    private static final int CLIENTS = 8;
    private static final String TITLE = "Offer made under crash load";
    private static final String OFFER = """
            {"offeringParty": "GT", "otherParties": ["US"], "title": "%s", "offeredOn": "2025-02-05"}""".formatted(TITLE);

    private static StackConfig config;
    private static LocalStack stack;
    private static Map<String, String> tokens;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    /** Idempotency-Key → the answer's body, for every acknowledged request. */
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final AtomicInteger answeredAfterACrash = new AtomicInteger();
    private final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startTheStack() throws Exception {
        Path data = Files.createTempDirectory("ledger-crashes");
        config = StackConfig.parse(new String[]{
                "--data-dir=" + data,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next()});
        stack = LocalStack.start(config);
        tokens = LocalTokens.presets(stack.identity());
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aLedgerKilledUnderLoadLosesNoAcknowledgedCommandAndEveryRetryGetsTheOriginalAnswer() throws Exception {
        for (Duration killAfter : List.of(Duration.ofMillis(1_500), Duration.ofMillis(4_000))) {
            underLoad(killAfter, LocalStack.Service.LEDGER);
        }
        assertThat(unexpected).as("answers other than 201 (a lasting 409, a 5xx)").isEmpty();
        assertThat(answeredAfterACrash.get()).as("requests cut off by a crash, answered after the restart").isPositive();

        List<String> agreements = answers.values().stream().map(this::agreementIdOf).toList();
        assertThat(agreements).as("no key created a second agreement").doesNotHaveDuplicates();
        Map<String, Integer> offersOnTopic = awaitOffersOnTheTopic(agreements);
        assertThat(offersOnTopic.values()).as("no event on the topic twice").allMatch(copies -> copies == 1);
        assertThat(offersOnTopic.keySet()).as("every acknowledged offer, and nothing else, is on the topic")
                .containsExactlyInAnyOrderElementsOf(agreements);
        List<String> keys = new ArrayList<>(answers.keySet());
        for (String key : keys.subList(0, Math.min(25, keys.size()))) {
            HttpResponse<String> again = answeredWithin(5, key);
            assertThat(again.body()).as("a retry gets the original answer").isEqualTo(answers.get(key));
        }
        awaitInTheProjection(agreements);
        assertThat(auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress",
                "--trusted-key", config.ledgerUrl() + "/.well-known/ledger-keys")).contains("VERIFIED");
        System.out.printf("FAULT ledger kill -9 x2 under %d clients: %d acknowledged, %d answered after a crash, "
                        + "%d offers on the topic, each once%n", CLIENTS, answers.size(), answeredAfterACrash.get(),
                offersOnTopic.size());
    }

    @Test
    @Order(2)
    void aProjectionKilledUnderLoadBuildsTheSameViewsAsAFullReplay() throws Exception {
        underLoad(Duration.ofMillis(2_000), LocalStack.Service.PROJECTION);
        awaitInTheProjection(answers.values().stream().map(this::agreementIdOf).toList());
        String compared = auditor("compare", "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress",
                "--projection-url", config.projectionUrl(), "--token", tokens.get("AUDITOR"));
        assertThat(compared).contains("IDENTICAL");
        System.out.printf("FAULT projection kill -9 under %d clients: %d agreements, views identical to the replay%n",
                CLIENTS, answers.size());
    }

    /** {@link #CLIENTS} clients offer agreements; after {@code killAfter} the service is killed and started again. */
    private void underLoad(Duration killAfter, LocalStack.Service victim) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean crashed = new AtomicBoolean(false);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                while (running.get()) {
                    String key = UUID.randomUUID().toString();
                    boolean cutOff = false;
                    HttpResponse<String> response;
                    while ((response = tryOffer(key)) == null) {
                        cutOff = true;
                        Thread.sleep(200);
                    }
                    if (response.statusCode() != 201) {
                        unexpected.add(response.statusCode() + " " + response.body());
                    } else {
                        answers.put(key, response.body());
                        if (cutOff && crashed.get()) {
                            answeredAfterACrash.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        Thread.sleep(killAfter.toMillis());
        crashed.set(true);
        stack.crash(victim);
        stack.restart(victim);
        Thread.sleep(1_000);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    private HttpResponse<String> tryOffer(String key) {
        try {
            return offer(key);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The request sent again with its key when the connection is cut off before an answer, as a client would: the
     * shared client may pick a kept-alive connection just as the server closes it, and a POST is not resent for it.
     */
    private HttpResponse<String> answeredWithin(int attempts, String key) throws InterruptedException {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpResponse<String> response = tryOffer(key);
            if (response != null) {
                return response;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no answer for Idempotency-Key " + key + " in " + attempts + " attempts");
    }

    private HttpResponse<String> offer(String key) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(config.ledgerUrl() + "/agreements"))
                    .header("Authorization", "Bearer " + tokens.get("GT"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(OFFER)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String agreementIdOf(String body) {
        try {
            return json.readTree(body).get("agreementId").asText();
        } catch (IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    /** Publication follows the commands: waits until every acknowledged offer has had time to reach the topic. */
    private static Map<String, Integer> awaitOffersOnTheTopic(List<String> agreements) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Integer> copies = offersOnTheTopic();
        while (!copies.keySet().containsAll(agreements) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            copies = offersOnTheTopic();
        }
        return copies;
    }

    /** Agreement id → how many times its offer (sequence 0 with this test's title) is on the topic. */
    private static Map<String, Integer> offersOnTheTopic() {
        Map<String, Integer> copies = new HashMap<>();
        new TopicCopies(config.kafkaBootstrap()).read(LedgerTopics.AGREEMENT_EVENTS).values().forEach(records ->
                records.stream()
                        .filter(r -> r.sequence() == 0 && new String(r.body, StandardCharsets.UTF_8).contains(TITLE))
                        .forEach(r -> copies.merge(r.agreementId(), 1, Integer::sum)));
        return copies;
    }

    /** Reads the projection's agreements a page of 500 at a time (not a request per agreement) until all are there. */
    private void awaitInTheProjection(List<String> agreements) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, String> titles = projectedTitles();
        while (!titles.keySet().containsAll(agreements) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            titles = projectedTitles();
        }
        Map<String, String> projected = titles;
        List<String> missing = agreements.stream().filter(id -> !projected.containsKey(id)).toList();
        assertThat(missing).as("acknowledged agreements missing from the projection").isEmpty();
        assertThat(agreements).allSatisfy(id -> assertThat(projected.get(id)).isEqualTo(TITLE));
    }

    /** Agreement id → title, every agreement the projection shows. */
    private Map<String, String> projectedTitles() throws Exception {
        Map<String, String> titles = new HashMap<>();
        for (int page = 0; ; page++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(config.projectionUrl() + "/agreements?size=500&page=" + page))
                    .header("Authorization", "Bearer " + tokens.get("DASHBOARD")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return titles;
            }
            JsonNode views = json.readTree(response.body());
            views.forEach(view -> titles.put(view.path("agreementId").asText(), view.path("title").asText()));
            if (views.size() < 500) {
                return titles;
            }
        }
    }

    private static String auditor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Auditor.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), args);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        return printed;
    }
}
