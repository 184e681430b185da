package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.auditor.Auditor;
import org.agreementledger.contract.EventHeaders;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.LedgerTopics;
import org.agreementledger.contract.integrity.Checkpoint;
import org.agreementledger.infra.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auditor against a real stack that recorded the real agreements of February 2025: an untouched log verifies,
 * its replay is byte for byte the projection-service's views, and every kind of tampering a raw producer can do to
 * a copy of the topic is caught and named.
 */
class AnAuditorTrustsOnlyTheLogIT {

    private static StackConfig config;
    private static LocalStack stack;
    private static Map<String, String> tokens;
    private static String cecot;
    private static int agreementsRecorded;
    private static List<String> recordedAgreements;
    private static Path savedCheckpoint;
    private static TopicCopies topics;
    /** A tree head of the transparency log the ledger signed once the scenario was recorded. */
    private static String treeHead;

    @BeforeAll
    static void recordTheRealAgreementsAndSaveACheckpoint() throws Exception {
        Path data = Files.createTempDirectory("ledger-audit");
        config = StackConfig.parse(new String[]{
                "--data-dir=" + data,
                "--kafka-port=" + FreePorts.next(), "--kafka-controller-port=" + FreePorts.next(),
                "--postgres-port=" + FreePorts.next(),
                "--ledger-port=" + FreePorts.next(), "--projection-port=" + FreePorts.next()});
        stack = LocalStack.start(config);
        tokens = LocalTokens.presets(stack.identity());
        Scenario.Outcome outcome = new Scenario(config.ledgerUrl(), LocalTokens.countryTokens(stack.identity()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        cecot = outcome.agreements().get("SV-US CECOT");
        agreementsRecorded = outcome.agreements().size();
        recordedAgreements = List.copyOf(outcome.agreements().values());
        topics = new TopicCopies(config.kafkaBootstrap());
        savedCheckpoint = data.resolve("checkpoint-saved-by-the-auditor.json");
        Files.writeString(savedCheckpoint, checkpointOfTheWholeLog().toJson());
        treeHead = signTreeHead(0);
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anUntouchedLogVerifiesAgainstThePinnedKeyAndASavedCheckpoint() {
        Run run = verify(LedgerTopics.AGREEMENT_EVENTS);

        assertThat(run.exitCode).as(run.out).isZero();
        assertThat(run.out).contains("VERIFIED").contains(cecot).contains("holds").contains("pinned key")
                .containsPattern("holds +tree head of size " + sizeOf(treeHead) + " .*signed by the pinned key");
    }

    @Test
    void aPerfectlyResealedInsertionIsCaughtByTheSignedTreeHeadsWithoutASavedCheckpoint() {
        String copy = resealedInsertion();

        Run run = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--topic", copy,
                "--trusted-key", config.ledgerUrl() + "/.well-known/ledger-keys", "--no-progress");

        assertThat(run.exitCode).as(run.out).isEqualTo(1);
        assertThat(run.out).contains("TREE_HEAD_MISMATCH").contains("the log was rewritten");
    }

    @Test
    void aMinistryProvesItsReceiptWithNothingButTheTreeHeadAndTheLogsKey(@TempDir Path dir) throws Exception {
        JsonNode offered = offer("A receipt");
        JsonNode receipt = offered.get("events").get(0);
        String head = signTreeHead(receipt.get("logIndex").asLong());
        Path proof = dir.resolve("inclusion.json");
        Files.writeString(proof, get("/log/proofs/inclusion?index=" + receipt.get("logIndex").asLong()));
        String logKey = config.ledgerUrl() + "/log/keys";

        Run included = auditor("prove-inclusion", "--log-key", logKey, "--proof", proof.toString(),
                "--event-hash", receipt.get("hash").asText());
        Run otherEvent = auditor("prove-inclusion", "--log-key", logKey, "--proof", proof.toString(),
                "--event-hash", "00".repeat(32));

        assertThat(included.exitCode).as(included.out).isZero();
        assertThat(included.out).contains("INCLUDED").contains("size " + sizeOf(head));
        assertThat(otherEvent.exitCode).isEqualTo(1);
        assertThat(otherEvent.out).contains("FAILED");
    }

    @Test
    void verifySinceASavedStateReadsOnlyWhatWasAppendedAndHoldsTheNewTreeHeadsToIt(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state.json");
        Run full = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--trusted-key",
                config.ledgerUrl() + "/.well-known/ledger-keys", "--save-state", state.toString(), "--no-progress");
        assertThat(full.exitCode).as(full.out).isZero();
        JsonNode offered = offer("Since");
        signTreeHead(offered.get("events").get(0).get("logIndex").asLong());
        ObjectNode tampered = (ObjectNode) LedgerJson.readTree(Files.readAllBytes(state));
        com.fasterxml.jackson.databind.node.ArrayNode edge = (com.fasterxml.jackson.databind.node.ArrayNode) tampered.get("rightEdge");
        String largest = edge.get(0).asText();
        edge.set(0, com.fasterxml.jackson.databind.node.TextNode.valueOf((largest.charAt(0) == '0' ? "1" : "0")
                + largest.substring(1)));
        Path forged = dir.resolve("forged-state.json");
        Files.write(forged, LedgerJson.mapper().writeValueAsBytes(tampered));

        Run since = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--trusted-key",
                config.ledgerUrl() + "/.well-known/ledger-keys", "--since", state.toString(), "--no-progress");
        Run fromAnotherHistory = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--trusted-key",
                config.ledgerUrl() + "/.well-known/ledger-keys", "--since", forged.toString(), "--no-progress");

        assertThat(since.exitCode).as(since.out).isZero();
        assertThat(since.out).containsPattern("VERIFIED: \\d+ events appended since").contains("holds   tree head of size");
        assertThat(fromAnotherHistory.exitCode).isEqualTo(1);
        assertThat(fromAnotherHistory.out).contains("TREE_HEAD_MISMATCH");
    }

    @Test
    void aLogSignedAcrossAKeyRotationVerifiesWithTheKeySet(@TempDir Path dir) throws Exception {
        Path older = dir.resolve("older.note");
        Files.writeString(older, signTreeHead(0));

        JsonNode keys = post(config.ledgerUrl() + "/admin/keys/rotation", tokens.get("ADMIN"), "");
        JsonNode offered = offer("After the rotation");
        Path newer = dir.resolve("newer.note");
        Files.writeString(newer, signTreeHead(offered.get("events").get(0).get("logIndex").asLong()));
        Path proof = consistencyProof(dir, older, newer);

        assertThat(keys.get("keys").size()).as("the retired key stays in the set").isGreaterThanOrEqualTo(2);
        assertThat(keys.get("keys").get(0).has("exp")).as("the new key is current").isFalse();
        assertThat(keys.get("keys").get(1).has("exp")).as("the retired key says when it stopped signing").isTrue();
        Run consistent = auditor("prove-consistency", older.toString(), newer.toString(), "--log-key",
                config.ledgerUrl() + "/log/keys", "--proof", proof.toString());
        assertThat(consistent.exitCode).as(consistent.out).isZero();
        Run verified = verify(LedgerTopics.AGREEMENT_EVENTS);
        assertThat(verified.exitCode).as(verified.out).isZero();
        assertThat(verified.out).contains("VERIFIED").contains(keys.get("keys").get(0).get("kid").asText())
                .contains(keys.get("keys").get(1).get("kid").asText());
    }

    @Test
    void aWitnessCosignsOnlyTreeHeadsThatExtendTheOneItHolds(@TempDir Path dir) throws Exception {
        String logKey = config.ledgerUrl() + "/log/keys";
        Path older = dir.resolve("older.note");
        Files.writeString(older, signTreeHead(0));
        JsonNode offered = offer("Witnessed");
        Path newer = dir.resolve("newer.note");
        Files.writeString(newer, signTreeHead(offered.get("events").get(0).get("logIndex").asLong()));
        Path proof = consistencyProof(dir, older, newer);
        Path state = dir.resolve("witness");
        // the witness the local stack's ledger is configured with
        Path key = config.dataDir().toAbsolutePath().resolve("keys").resolve(LocalStack.WITNESS_KEY);

        Run consistent = auditor("prove-consistency", older.toString(), newer.toString(), "--log-key", logKey,
                "--proof", proof.toString());
        Run first = auditor("witness", "--log-key", logKey, "--state", state.toString(), "--witness-key", key.toString(),
                older.toString());
        Run second = auditor("witness", "--log-key", logKey, "--state", state.toString(), "--witness-key", key.toString(),
                "--proof", proof.toString(), newer.toString());
        Run backwards = auditor("witness", "--log-key", logKey, "--state", state.toString(), "--witness-key",
                key.toString(), "--proof", proof.toString(), older.toString());

        assertThat(consistent.exitCode).as(consistent.out).isZero();
        assertThat(first.exitCode).as(first.out).isZero();
        assertThat(second.exitCode).as(second.out).isZero();
        org.agreementledger.contract.integrity.SignedNote.VerifierKey witness =
                org.agreementledger.contract.integrity.SignedNote.SignerKey.parse(Files.readString(key).strip()).verifierKey();
        assertThat(org.agreementledger.contract.integrity.SignedNote.Note.parse(second.out.substring(
                0, second.out.lastIndexOf('\n') + 1)).verifiedBy(witness)).as("cosigned by the witness").isTrue();
        assertThat(backwards.exitCode).as("a head that does not extend the one it holds").isEqualTo(1);
        assertThat(backwards.out).contains("REFUSED");

        HttpResponse<String> kept = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(config.ledgerUrl() + "/log/cosignatures"))
                .header("Authorization", "Bearer " + tokens.get("AUDITOR")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(second.out)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
        Run witnessed = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--trusted-key",
                config.ledgerUrl() + "/.well-known/ledger-keys", "--witness", witness.encoded(), "--min-cosignatures", "1",
                "--no-progress");
        Run unwitnessed = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--trusted-key",
                config.ledgerUrl() + "/.well-known/ledger-keys", "--witness", org.agreementledger.contract.integrity.SignedNote
                        .SignerKey.generate("other.witness", org.agreementledger.contract.integrity.SignedNote.COSIGNATURE_V1,
                                new java.security.SecureRandom()).verifierKey().encoded(), "--min-cosignatures", "1",
                "--no-progress");
        assertThat(witnessed.exitCode).as(witnessed.out).isZero();
        assertThat(witnessed.out).contains("cosigned by 1 of 1 witness(es)");
        assertThat(unwitnessed.exitCode).isEqualTo(1);
        assertThat(unwitnessed.out).contains("TREE_HEAD_NOT_WITNESSED");
    }

    @Test
    void replayAndCompareGiveTheProjectionServicesViewsByteForByte(@TempDir Path out) throws Exception {
        Run run = auditor("compare", "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress",
                "--projection-url", config.projectionUrl(), "--token", tokens.get("AUDITOR"),
                "--out", out.toString());

        assertThat(run.exitCode).as(run.out).isZero();
        assertThat(run.out).contains("IDENTICAL").doesNotContain("DIFFERENT");
        JsonNode agreements = LedgerJson.readTree(Files.readAllBytes(out.resolve("agreements.json")));
        assertThat(agreements.size()).isEqualTo(agreementsRecorded);
        JsonNode transfers = LedgerJson.readTree(Files.readAllBytes(out.resolve("transfers.json")));
        assertThat(transfers.findValuesAsText("persons")).contains("43");
        assertThat(new String(Files.readAllBytes(out.resolve("agreements.json")), StandardCharsets.UTF_8))
                .as("canonical JSON: sorted members, no whitespace").startsWith("[{\"acceptedBy\":");
    }

    @Test
    void replayAsOfAnInstantMatchesTheProjectionAsOfTheSameInstant(@TempDir Path out) throws Exception {
        TopicCopies.Rec third = TopicCopies.of(topics.read(LedgerTopics.AGREEMENT_EVENTS), cecot).get(2);
        String instant = third.headers.get(EventHeaders.TIME);

        Run run = auditor("compare", "--bootstrap-servers", config.kafkaBootstrap(), "--no-progress",
                "--projection-url", config.projectionUrl(), "--token", tokens.get("AUDITOR"),
                "--as-of", instant, "--out", out.toString());

        assertThat(run.exitCode).as(run.out).isZero();
        JsonNode history = LedgerJson.readTree(Files.readAllBytes(out.resolve("history.json")));
        List<Long> cecotSequences = new ArrayList<>();
        history.forEach(h -> {
            if (cecot.equals(h.get("agreementId").asText())) {
                cecotSequences.add(h.get("sequence").asLong());
            }
        });
        assertThat(cecotSequences).contains(0L, 1L, 2L).allMatch(s -> s <= 2 || sameMillisecondAsThird(s));
    }

    @Test
    void aRecordAlteredOnTheTopicIsNamed() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            TopicCopies.Rec transfer = firstTransferOfCecot(records);
            transfer.body = withOneMorePerson(transfer.body);
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("ALTERED " + cecot + " #" + transferSequence());
    }

    @Test
    void aRecordAlteredAndResealedBreaksTheLinkFromTheNextEvent() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            TopicCopies.Rec transfer = firstTransferOfCecot(records);
            transfer.body = withOneMorePerson(transfer.body);
            transfer.rehash();
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("BROKEN_LINK " + cecot + " #" + (transferSequence() + 1))
                .doesNotContain("ALTERED " + cecot);
    }

    @Test
    void aRemovedRecordIsNamed() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS,
                records -> TopicCopies.partitionOf(records, cecot).remove(record(records, 2)));

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("MISSING " + cecot + " #2");
    }

    @Test
    void aDuplicatedRecordIsNamed() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            List<TopicCopies.Rec> partition = TopicCopies.partitionOf(records, cecot);
            TopicCopies.Rec second = record(records, 2);
            partition.add(partition.indexOf(second) + 1, second.copy());
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("DUPLICATED " + cecot + " #2");
    }

    @Test
    void reorderedRecordsAreNamed() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            List<TopicCopies.Rec> partition = TopicCopies.partitionOf(records, cecot);
            TopicCopies.Rec second = record(records, 2);
            TopicCopies.Rec third = record(records, 3);
            int i = partition.indexOf(second);
            int j = partition.indexOf(third);
            partition.set(i, third);
            partition.set(j, second);
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("REORDERED " + cecot + " #3");
    }

    @Test
    void anInsertedRecordClaimingAnExistingSequenceIsNamed() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            List<TopicCopies.Rec> partition = TopicCopies.partitionOf(records, cecot);
            TopicCopies.Rec original = firstTransferOfCecot(records);
            TopicCopies.Rec forged = original.copy();
            forged.body = withOneMorePerson(forged.body);
            forged.rehash();
            partition.add(partition.indexOf(original) + 1, forged);
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("CONFLICTING " + cecot + " #" + transferSequence());
    }

    @Test
    void aPerfectlyResealedInsertionPassesTheChainsButNotTheSavedCheckpoint() {
        String copy = resealedInsertion();

        Run withoutCheckpoint = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--topic", copy,
                "--checkpoint-topic", "-", "--no-progress");
        Run withCheckpoint = verify(copy);

        assertThat(withoutCheckpoint.exitCode).as("a forger who re-seals every later event fools the chains alone")
                .isZero();
        assertThat(withCheckpoint.exitCode).isEqualTo(1);
        assertThat(withCheckpoint.out).contains("CHECKPOINT_MISMATCH " + cecot);
    }

    @Test
    void aTruncatedHistoryIsCaughtByTheSavedCheckpoint() {
        String copy = topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            List<TopicCopies.Rec> history = TopicCopies.of(records, cecot);
            TopicCopies.partitionOf(records, cecot).remove(history.get(history.size() - 1));
        });

        Run run = verify(copy);

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("CHECKPOINT_BEYOND_LOG " + cecot);
    }

    @Test
    void aCheckpointWithABadSignatureIsRefused(@TempDir Path dir) throws Exception {
        ObjectNode edited = (ObjectNode) LedgerJson.readTree(Files.readAllBytes(savedCheckpoint));
        ObjectNode firstHead = (ObjectNode) edited.get("heads").get(0);
        firstHead.put("sequence", firstHead.get("sequence").asLong() + 1);
        Path forged = dir.resolve("forged-checkpoint.json");
        Files.write(forged, LedgerJson.mapper().writeValueAsBytes(edited));

        Run run = auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--checkpoint-topic", "-",
                "--trusted-key", config.ledgerUrl() + "/.well-known/ledger-keys", "--checkpoint", forged.toString(),
                "--no-progress");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.out).contains("CHECKPOINT_SIGNATURE_INVALID").contains("not trusted");
    }

    /** A copy of the topic with a forged transfer inserted into CECOT's history and every later event re-sealed. */
    private static String resealedInsertion() {
        return topics.copyWith(LedgerTopics.AGREEMENT_EVENTS, records -> {
            List<TopicCopies.Rec> partition = TopicCopies.partitionOf(records, cecot);
            TopicCopies.Rec original = firstTransferOfCecot(records);
            TopicCopies.Rec forged = original.copy();
            forged.body = withOneMorePerson(forged.body);
            forged.headers.put(EventHeaders.ID, java.util.UUID.randomUUID().toString());
            // a leaf index claimed twice would give the forgery away at once
            forged.headers.remove(EventHeaders.LOG_INDEX);
            partition.add(partition.indexOf(original) + 1, forged);
            // renumber and re-seal everything after it, as a careful forger would
            String previous = null;
            long sequence = 0;
            for (TopicCopies.Rec rec : TopicCopies.of(records, cecot)) {
                rec.headers.put(EventHeaders.SEQUENCE, Long.toString(sequence++));
                if (previous == null) {
                    rec.headers.remove(EventHeaders.PREVIOUS_HASH);
                } else {
                    rec.headers.put(EventHeaders.PREVIOUS_HASH, previous);
                }
                rec.rehash();
                previous = rec.headers.get(EventHeaders.HASH);
            }
        });
    }

    /** Signs tree heads until one covers this leaf: a head covers only events already on the topic. */
    private static String signTreeHead(long leaf) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(config.ledgerUrl() + "/admin/log/checkpoints"))
                    .header("Authorization", "Bearer " + tokens.get("ADMIN"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isIn(201, 404);
            if (response.statusCode() == 201 && sizeOf(response.body()) > leaf) {
                return response.body();
            }
            assertThat(System.currentTimeMillis()).as("a tree head covering leaf %d", leaf).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(config.ledgerUrl() + path))
                .header("Authorization", "Bearer " + tokens.get("DASHBOARD")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode post(String url, String token, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return LedgerJson.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode offer(String title) throws Exception {
        return post(config.ledgerUrl() + "/agreements", countryToken("SV"), "{\"offeringParty\": \"SV\", "
                + "\"otherParties\": [\"US\"], \"title\": \"" + title + "\", \"offeredOn\": \"2025-02-03\"}");
    }

    /** The ledger's consistency proof between two tree heads saved as files, saved beside them. */
    private static Path consistencyProof(Path dir, Path older, Path newer) throws Exception {
        Path proof = dir.resolve("consistency.json");
        Files.writeString(proof, get("/log/proofs/consistency?from=" + sizeOf(Files.readString(older)) + "&to="
                + sizeOf(Files.readString(newer))));
        return proof;
    }

    private static String countryToken(String country) {
        return LocalTokens.countryTokens(stack.identity()).apply(country);
    }

    private static long sizeOf(String note) {
        return org.agreementledger.contract.integrity.TreeHead.parse(
                org.agreementledger.contract.integrity.SignedNote.Note.parse(note).text()).size();
    }

    private static Run verify(String topic) {
        return auditor("verify", "--bootstrap-servers", config.kafkaBootstrap(), "--topic", topic,
                "--trusted-key", config.ledgerUrl() + "/.well-known/ledger-keys", "--checkpoint", savedCheckpoint.toString(),
                "--no-progress");
    }

    private record Run(int exitCode, String out) {
    }

    private static Run auditor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Auditor.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    /** A checkpoint the ledger signed once every event of the scenario was on the topic. */
    private static Checkpoint checkpointOfTheWholeLog() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Map<String, Long> heads = new HashMap<>();
            topics.read(LedgerTopics.AGREEMENT_EVENTS).values().forEach(list -> list.forEach(
                    r -> heads.merge(r.agreementId(), r.sequence(), Math::max)));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(config.ledgerUrl() + "/admin/checkpoints"))
                    .header("Authorization", "Bearer " + tokens.get("ADMIN"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            Checkpoint checkpoint = Checkpoint.fromJson(response.body().getBytes(StandardCharsets.UTF_8));
            Map<String, Long> signed = new HashMap<>();
            checkpoint.heads().forEach(h -> signed.put(h.agreementId(), h.sequence()));
            // the scenario's events reach the topic after their commands were answered: wait for them, then for a
            // checkpoint that signs exactly what the topic holds
            boolean published = heads.keySet().containsAll(recordedAgreements);
            if ((published && signed.equals(heads)) || System.currentTimeMillis() > deadline) {
                assertThat(heads).as("every agreement of the scenario is on the topic").containsKeys(recordedAgreements.toArray(String[]::new));
                assertThat(signed).isEqualTo(heads);
                return checkpoint;
            }
            Thread.sleep(300);
        }
    }

    private static TopicCopies.Rec record(TreeMap<Integer, List<TopicCopies.Rec>> records, long sequence) {
        return TopicCopies.of(records, cecot).stream().filter(r -> r.sequence() == sequence).findFirst().orElseThrow();
    }

    private static TopicCopies.Rec firstTransferOfCecot(TreeMap<Integer, List<TopicCopies.Rec>> records) {
        return TopicCopies.of(records, cecot).stream().filter(r -> "TransferRecorded".equals(r.type())).findFirst().orElseThrow();
    }

    private static long transferSequence() {
        return firstTransferOfCecot(topics.read(LedgerTopics.AGREEMENT_EVENTS)).sequence();
    }

    private static boolean sameMillisecondAsThird(long sequence) {
        List<TopicCopies.Rec> history = TopicCopies.of(topics.read(LedgerTopics.AGREEMENT_EVENTS), cecot);
        return history.get((int) sequence).headers.get(EventHeaders.TIME).equals(history.get(2).headers.get(EventHeaders.TIME));
    }

    private static byte[] withOneMorePerson(byte[] body) {
        ObjectNode json = (ObjectNode) LedgerJson.readTree(body);
        ObjectNode first = (ObjectNode) json.get("headcounts").get(0);
        first.put("count", first.get("count").asInt() + 1);
        try {
            return LedgerJson.mapper().writeValueAsBytes(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
