package org.agreementledger.projection.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LiveSubscriptionTest extends ProjectionIntegrationTest {

    private static final LedgerRecords records = new LedgerRecords(TOPIC);
    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode HN = CountryCode.of("HN");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @AfterAll
    static void closeProducer() {
        records.close();
    }

    @Test
    void aDashboardThatReconnectsWithLastEventIdMissesNothingAndSeesNothingTwice() throws Exception {
        AgreementId id = AgreementId.generate();
        String url = "http://localhost:" + port + "/live/agreements/" + id;
        records.publish(guatemalaOffer(id, null), 0);
        awaitProjected(id);

        String lastSeen;
        try (SseClient first = new SseClient(url + "?after=0", dashboardToken(), null)) {
            SseClient.Event offered = first.next(WAIT);
            assertThat(offered.name()).isEqualTo("AgreementOffered");
            lastSeen = offered.id();
        }
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)), 2);

        try (SseClient resumed = new SseClient(url, dashboardToken(), lastSeen)) {
            assertThat(resumed.next(WAIT).name()).isEqualTo("AgreementAccepted");
            SseClient.Event inForce = resumed.next(WAIT);
            assertThat(inForce.name()).isEqualTo("AgreementEnteredIntoForce");
            assertThat(Long.parseLong(inForce.id())).isGreaterThan(Long.parseLong(lastSeen));
            records.publish(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 3),
                    List.of(new Headcount(HN, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.ADULT, 12)), null), 3);
            SseClient.Event transfer = resumed.next(WAIT);
            assertThat(transfer.name()).isEqualTo("TransferRecorded");
            assertThat(json.readTree(transfer.data()).get("payload").get("headcounts").get(0).get("count").asInt()).isEqualTo(12);
            assertThat(resumed.quietFor(Duration.ofMillis(500))).isTrue();
        }
    }

    @Test
    void aClientResumingFromAnIdThisFeedNeverIssuedIsToldToReloadRatherThanSentOtherEvents() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(guatemalaOffer(id, null), 0);
        awaitProjected(id);
        // an id from before a rebuild, or from another instance's numbering
        String fromAnotherNumbering = "999999999999";

        for (String stream : List.of("/live/events", "/live/transfers", "/live/agreements/" + id,
                "/live/countries/GT/commitments")) {
            try (SseClient resumed = new SseClient(url(stream), dashboardToken(), fromAnotherNumbering)) {
                SseClient.Event first = resumed.next(WAIT, event -> event.name() != null && !"snapshot".equals(event.name()));
                assertThat(first).as(stream).isNotNull();
                assertThat(first.name()).as(stream).isEqualTo("resync");
            }
        }
        try (SseClient resumed = new SseClient(url("/live/agreements/" + id), dashboardToken(), fromAnotherNumbering)) {
            assertThat(resumed.next(WAIT, event -> "resync".equals(event.name()))).isNotNull();
            records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), 1);
            assertThat(resumed.next(WAIT, event -> event.name() != null).name())
                    .as("then the events from now, as to a new subscriber").isEqualTo("AgreementAccepted");
        }
    }

    @Test
    void everyLiveStreamResumesAfterLastEventIdWithNothingMissedAndNothingTwice() throws Exception {
        // Belize is a party to no other test's agreement, so its commitments stream carries this agreement alone
        CountryCode belize = CountryCode.of("BZ");
        AgreementId id = AgreementId.generate();
        TransferId flight = TransferId.generate();
        records.publish(new AgreementOffered(id, belize, List.of(belize, US), LocalDate.of(2025, 2, 3),
                new AgreementTerms("Belize resumes", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)),
                null), 0);
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)), 2);
        records.publish(new TransferRecorded(id, flight, US, belize, LocalDate.of(2025, 3, 3),
                List.of(new Headcount(HN, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.ADULT, 12)), null), 3);
        List<String> feedIds = new ArrayList<>();
        try (SseClient all = new SseClient(url("/live/agreements/" + id + "?after=0"), dashboardToken(), null)) {
            for (int i = 0; i < 4; i++) {
                feedIds.add(all.next(WAIT).id());
            }
        }
        // missed while away: the completion of the flight and a second flight
        records.publish(new TransferCompleted(id, flight, LocalDate.of(2025, 3, 3)), 4);
        records.publish(new TransferRecorded(id, TransferId.generate(), US, belize, LocalDate.of(2025, 3, 10),
                List.of(new Headcount(HN, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, AgeGroup.ADULT, 7)), null), 5);
        Predicate<SseClient.Event> ofThisAgreement = event -> event.data().contains(id.value());

        assertResumes("/live/agreements/" + id, feedIds.get(2), ofThisAgreement,
                List.of("TransferRecorded", "TransferCompleted", "TransferRecorded"));
        assertResumes("/live/events", feedIds.get(2), ofThisAgreement,
                List.of("TransferRecorded", "TransferCompleted", "TransferRecorded"));
        assertResumes("/live/transfers", feedIds.get(3), ofThisAgreement, List.of("TransferCompleted", "TransferRecorded"));
        // a view is whole: one view for everything missed, not the same view again for each event
        assertResumes("/live/countries/BZ/commitments", feedIds.get(1), event -> !event.name().equals("snapshot"),
                List.of("TransferRecorded"));
    }

    @Test
    void aDashboardAwayForMoreThanTenThousandEventsIsSentTheFirstTenThousandThenTheNewOnes() throws Exception {
        JsonNode newest = json.readTree(get("/live/recent?limit=1", dashboardToken()).body());
        String before = newest.isEmpty() ? "0" : newest.get(0).get("feedId").asText();
        AgreementId last = null;
        for (int i = 0; i < FeedBacklog.MAX_MISSED + 50; i++) {
            last = AgreementId.generate();
            records.publish(new AgreementOffered(last, US, List.of(US, GT), LocalDate.of(2025, 2, 5),
                    new AgreementTerms("Missed " + i, List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 5), null)),
                    null), 0);
        }
        awaitProjected(last);

        try (SseClient resumed = new SseClient(url("/live/events"), dashboardToken(), before)) {
            long previous = Long.parseLong(before);
            int missedAndSent = 0;
            for (SseClient.Event event = resumed.next(WAIT); event != null;
                 event = resumed.next(Duration.ofSeconds(2), any -> true)) {
                assertThat(Long.parseLong(event.id())).isGreaterThan(previous);
                previous = Long.parseLong(event.id());
                missedAndSent++;
            }
            assertThat(missedAndSent).isEqualTo(FeedBacklog.MAX_MISSED);

            AgreementId next = AgreementId.generate();
            records.publish(guatemalaOffer(next, null), 0);
            assertThat(resumed.next(WAIT).data()).as("then the new ones").contains(next.value());
        }
    }

    @Test
    void anIdleStreamCarriesKeepAliveCommentsSoProxiesKeepItAndGoneClientsAreFound() throws Exception {
        try (java.net.Socket idle = new java.net.Socket("localhost", port)) {
            idle.getOutputStream().write(("GET /live/transfers HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + dashboardToken() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            idle.setSoTimeout(5_000);
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(idle.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            int keepAlives = 0;
            for (String line = lines.readLine(); line != null && keepAlives < 2; line = lines.readLine()) {
                if (line.equals(":keepalive")) {
                    keepAlives++;
                }
            }
            assertThat(keepAlives).as("comments every projection.live.heartbeat (1 s here)").isEqualTo(2);
        }
    }

    @Test
    void aClientThatStopsReadingHoldsBackNoOtherSubscriber() throws Exception {
        // the Comoros and the Seychelles are parties to no other test's agreement
        CountryCode km = CountryCode.of("KM");
        CountryCode sc = CountryCode.of("SC");
        List<CountryCode> nationalities = java.util.Arrays.stream(java.util.Locale.getISOCountries())
                .limit(ContractLimits.MAX_LISTED_NATIONALITIES).map(CountryCode::of).toList();
        // about 160 KiB an event: a hundred of them are far more than the socket buffers a stalled client leaves
        AgreementTerms large = new AgreementTerms("T".repeat(ContractLimits.MAX_TITLE_LENGTH), java.util.Collections.nCopies(
                ContractLimits.MAX_COMMITMENTS, new Commitment.AcceptPeople(km, NationalityScope.listed(nationalities),
                        Set.of(PersonCategory.IRREGULAR_MIGRANT), List.of(sc), null, null, false)), List.of(),
                new Validity(LocalDate.of(2025, 5, 1), null));
        List<AgreementId> large100 = new ArrayList<>();
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("localhost", port));
            stalled.getOutputStream().write(("GET /live/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + dashboardToken() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            // and never read
            try (SseClient reading = new SseClient(url("/live/events"), dashboardToken(), null)) {
                assertThat(reading.quietFor(Duration.ofMillis(500))).isTrue();
                AgreementId last = null;
                for (int i = 0; i < 100; i++) {
                    last = AgreementId.generate();
                    large100.add(last);
                    records.publish(new AgreementOffered(last, sc, List.of(sc, km), LocalDate.of(2025, 5, 1), large, null), 0);
                }
                String lastId = last.value();
                assertThat(reading.next(Duration.ofSeconds(30), event -> event.data().contains(lastId)))
                        .as("the reading subscriber gets the last event").isNotNull();

                for (int i = 0; i <= LiveFeed.MAX_WAITING; i++) {
                    records.publish(new AgreementOffered(AgreementId.generate(), sc, List.of(sc, km),
                            LocalDate.of(2025, 5, 1), new AgreementTerms("Small " + i, List.of(), List.of(),
                                    new Validity(LocalDate.of(2025, 5, 1), null)), null), 0);
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                String metrics = "";
                String droppedOne = "(?s).*projection_live_subscribers_dropped_total\\{[^}]*} [1-9].*";
                while (System.nanoTime() < deadline && !metrics.matches(droppedOne)) {
                    Thread.sleep(200);
                    metrics = get("/actuator/prometheus", dashboardToken()).body();
                }
                assertThat(metrics).as("the stalled one, more than %d events behind, is dropped", LiveFeed.MAX_WAITING)
                        .containsPattern("projection_live_subscribers_dropped_total\\{[^}]*} [1-9]");
            }
        } finally {
            // the Comoros' view (10,000 large commitments) is over the compacted topic's bound: leave it small again
            large100.forEach(id -> records.publish(new OfferWithdrawn(id, sc, LocalDate.of(2025, 5, 2), "test over"), 1));
        }
    }

    /** Resumed after {@code lastSeen}, the stream sends exactly the events {@code ofInterest} applied since, in order. */
    private void assertResumes(String stream, String lastSeen, Predicate<SseClient.Event> ofInterest, List<String> missed)
            throws Exception {
        try (SseClient resumed = new SseClient(url(stream), dashboardToken(), lastSeen)) {
            List<String> received = new ArrayList<>();
            for (int i = 0; i < missed.size(); i++) {
                SseClient.Event event = resumed.next(WAIT, ofInterest);
                assertThat(event).as(stream + " after " + received).isNotNull();
                assertThat(Long.parseLong(event.id())).as(stream).isGreaterThan(Long.parseLong(lastSeen));
                received.add(event.name());
            }
            assertThat(received).as(stream).containsExactlyElementsOf(missed);
            assertThat(resumed.next(Duration.ofMillis(500), ofInterest)).as(stream + ": nothing twice").isNull();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Test
    void guatemalasCommitmentsShowWhatItAcceptsFromWhomAndItsFlightsAgainstThePlus40Percent() throws Exception {
        AgreementId id = AgreementId.generate();
        records.publish(guatemalaOffer(id, new Capacity(100, Capacity.Period.MONTH)), 0);
        records.publish(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)), 1);
        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)), 2);
        records.publish(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 3),
                List.of(new Headcount(HN, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, AgeGroup.ADULT, 60)), null), 3);
        records.publish(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 17),
                List.of(new Headcount(HN, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.ADULT, 25)), null), 4);
        awaitProjected(id);

        JsonNode commitments = awaitCommitments(node -> node.path("accepts").toString().contains(id.value())
                && node.toString().contains("\"recordedPerMonth\":{\"2025-03\":2}"));

        JsonNode accepts = first(commitments.get("accepts"), id.value());
        assertThat(accepts.get("nationalities").get("kind").asText()).isEqualTo("ANY");
        assertThat(accepts.get("fromParties").toString()).isEqualTo("[\"US\"]");
        assertThat(accepts.get("pendingOnwardReturn").asBoolean()).isTrue();
        assertThat(accepts.get("personsReceived").asLong()).as(commitments.toString()).isEqualTo(85);
        JsonNode march = null;
        for (JsonNode period : accepts.get("capacity").get("use")) {
            if (period.get("period").asText().equals("2025-03")) {
                march = period;
            }
        }
        assertThat(march).isNotNull();
        assertThat(march.get("used").asLong()).isEqualTo(85);
        assertThat(march.get("remaining").asLong()).isEqualTo(15);
        JsonNode volume = first(commitments.get("volumes"), id.value());
        assertThat(volume.get("increasePercent").asInt()).isEqualTo(40);
        assertThat(volume.get("target").decimalValue()).isEqualByComparingTo("14.00");
        assertThat(volume.get("recordedPerMonth").get("2025-03").asLong()).isEqualTo(2);

        HttpResponse<String> mexico = get("/countries/GT/commitments", countryToken("MX"));
        assertThat(mexico.statusCode()).isEqualTo(403);
        assertThat(get("/countries/XX/commitments", dashboardToken()).statusCode()).isEqualTo(400);
    }

    @Test
    void aDashboardOpenedNowShowsTheLatestEventsNewestFirstAndSubscribesAfterThem() throws Exception {
        // Suriname is a party to no other test's agreement, so its token sees this agreement's events alone
        CountryCode suriname = CountryCode.of("SR");
        AgreementId id = AgreementId.generate();
        records.publish(new AgreementOffered(id, US, List.of(US, suriname), LocalDate.of(2025, 2, 6),
                new AgreementTerms("Suriname listens", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 6), null)),
                null), 0);
        records.publish(new AgreementAccepted(id, suriname, LocalDate.of(2025, 2, 7)), 1);
        JsonNode recent = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && (recent == null || recent.size() < 2)) {
            recent = json.readTree(get("/live/recent?limit=5", countryToken("SR")).body());
            Thread.sleep(50);
        }
        assertThat(recent).hasSize(2);
        assertThat(recent.get(0).get("type").asText()).isEqualTo("AgreementAccepted");
        assertThat(recent.get(1).get("type").asText()).isEqualTo("AgreementOffered");
        assertThat(recent.get(0).get("feedId").asLong()).isGreaterThan(recent.get(1).get("feedId").asLong());
        assertThat(recent.get(1).get("parties").toString()).isEqualTo("[\"US\",\"SR\"]");

        JsonNode newestOfAll = json.readTree(get("/live/recent?limit=1", dashboardToken()).body());
        assertThat(newestOfAll).hasSize(1);
        assertThat(json.readTree(get("/live/recent", countryToken("MX")).body()).toString()).doesNotContain(id.value());

        records.publish(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 7)), 2);
        try (SseClient next = new SseClient(url("/live/events?after=" + recent.get(0).get("feedId").asLong()),
                countryToken("SR"), null)) {
            assertThat(next.next(WAIT).name()).isEqualTo("AgreementEnteredIntoForce");
        }

        HttpResponse<String> tooMany = get("/live/recent?limit=201", dashboardToken());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(tooMany.body()).get("field").asText()).isEqualTo("limit");
    }

    private static AgreementOffered guatemalaOffer(AgreementId id, Capacity capacity) {
        AgreementTerms terms = new AgreementTerms("Safe third country", List.of(
                new Commitment.AcceptPeople(GT, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT),
                        List.of(US), null, capacity, true),
                new Commitment.RaiseVolume(GT, Commitment.RaiseVolume.VolumeMetric.DEPORTATION_FLIGHTS_PER_MONTH,
                        new BigDecimal("10"), new BigDecimal("40"))),
                List.of(), new Validity(LocalDate.of(2025, 2, 5), null));
        return new AgreementOffered(id, US, List.of(US, GT), LocalDate.of(2025, 2, 5), terms, null);
    }

    private static JsonNode first(JsonNode array, String agreementId) {
        for (JsonNode node : array) {
            if (node.get("agreementId").asText().equals(agreementId)) {
                return node;
            }
        }
        throw new AssertionError("nothing for " + agreementId + " in " + array);
    }

    private void awaitProjected(AgreementId id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/agreements/" + id, dashboardToken()).statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("agreement " + id + " was not projected");
    }

    private JsonNode awaitCommitments(java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = json.readTree(get("/countries/GT/commitments", dashboardToken()).body());
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("commitments never matched: " + last);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }
}
