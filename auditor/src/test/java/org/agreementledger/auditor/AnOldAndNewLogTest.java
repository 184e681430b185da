package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log written partly by a version 1 ledger (no age groups, no trace context) verifies, and replays to the right
 * views: the new events' ce_traceparent is no part of what the auditor checks.
 */
class AnOldAndNewLogTest {

    private static final CountryCode PA = CountryCode.of("PA");
    private static final CountryCode CO = CountryCode.of("CO");
    private static String topic;
    private static String bootstrap;
    private static AgreementId agreement;
    private static String oldFlight;

    @BeforeAll
    static void aLogWithBothShapes() {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        bootstrap = infrastructure.kafka().bootstrapServers();
        topic = infrastructure.freshTopic("auditor-old-and-new", 3);
        agreement = AgreementId.generate();
        oldFlight = UUID.randomUUID().toString();
        try (SealedLog log = new SealedLog(bootstrap, topic)) {
            log.append(new AgreementOffered(agreement, PA, List.of(PA, CO), LocalDate.of(2025, 2, 1),
                    new AgreementTerms("Return flights", List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 1), null)), null));
            log.append(new AgreementAccepted(agreement, CO, LocalDate.of(2025, 2, 2)));
            log.append(new AgreementEnteredIntoForce(agreement, LocalDate.of(2025, 2, 2)));
            log.append("TransferRecorded", agreement, 1, """
                    {"agreementId":"%s","transferId":"%s","fromCountry":"PA","toCountry":"CO","transferDate":"2025-02-04",
                     "headcounts":[{"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"MALE","count":32}]}"""
                    .formatted(agreement.value(), oldFlight));
            log.append(new TransferRecorded(agreement, TransferId.generate(), PA, CO, LocalDate.of(2025, 3, 1),
                    List.of(new Headcount(CO, PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.MINOR, 4)), null));
        }
    }

    @Test
    void bothShapesVerifyAndTheReportSaysSoForPrograms(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");

        Run run = auditor("verify", "--bootstrap-servers", bootstrap, "--topic", topic, "--checkpoint-topic", "-",
                "--no-progress", "--report", report.toString());

        assertThat(run.exitCode).as(run.out).isZero();
        assertThat(run.out).contains("VERIFIED: 5 events of 1 agreements").contains("key NOT pinned");
        JsonNode json = LedgerJson.readTree(Files.readAllBytes(report));
        assertThat(json.get("result").asText()).isEqualTo("VERIFIED");
        assertThat(json.get("findings")).isEmpty();
        assertThat(json.get("agreements").get(0).get("agreementId").asText()).isEqualTo(agreement.value());
        assertThat(json.get("agreements").get(0).get("lastSequence").asLong()).isEqualTo(4);
    }

    @Test
    void replayReadsTheOldShapeAsNotRecordedAndTheNewAsRecorded(@TempDir Path out) throws Exception {
        Run run = auditor("replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--out", out.toString(), "--no-progress");

        assertThat(run.exitCode).as(run.out).isZero();
        JsonNode transfers = LedgerJson.readTree(Files.readAllBytes(out.resolve("transfers.json")));
        assertThat(transfers).hasSize(2);
        for (JsonNode transfer : transfers) {
            String ageGroup = transfer.get("headcounts").get(0).get("ageGroup").asText();
            assertThat(ageGroup).isEqualTo(oldFlight.equals(transfer.get("transferId").asText()) ? "NOT_RECORDED" : "MINOR");
        }
        JsonNode agreements = LedgerJson.readTree(Files.readAllBytes(out.resolve("agreements.json")));
        assertThat(agreements.get(0).get("status").asText()).isEqualTo("IN_FORCE");
        assertThat(agreements.get(0).get("version").asLong()).isEqualTo(4);
    }

    @Test
    void replayAsOfAnInstantStopsThere(@TempDir Path out) throws Exception {
        Run run = auditor("replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--as-of", "2025-02-01T10:30:00Z",
                "--out", out.toString(), "--no-progress");

        assertThat(run.exitCode).as(run.out).isZero();
        JsonNode agreements = LedgerJson.readTree(Files.readAllBytes(out.resolve("agreements.json")));
        assertThat(agreements.get(0).get("status").asText()).isEqualTo("OFFERED");
        assertThat(LedgerJson.readTree(Files.readAllBytes(out.resolve("transfers.json")))).isEmpty();
    }

    @Test
    void aMalformedAsOfIsRefusedBeforeAnythingIsRead() {
        Run run = auditor("replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--as-of", "yesterday");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.out).contains("--as-of must be an instant");
    }

    @Test
    void aPositionNamingAPartitionTwiceOrOneTheTopicDoesNotHaveIsRefused() {
        Run twice = auditor("replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--as-of", "0:1,0:2");
        Run missing = auditor("replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--as-of", "0:1,7:1");

        assertThat(twice.exitCode).isEqualTo(2);
        assertThat(twice.out).contains("--as-of names partition 0 more than once");
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.out).contains("--as-of names partition 7, but the topic has 3 (0 to 2)");
    }

    @Test
    void optionsOutOfTheirBoundsOrFilesThatAreNotThereAreRefusedInWordsBeforeAnythingIsRead(@TempDir Path dir) {
        Run tooManyThreads = auditor("verify", "--bootstrap-servers", bootstrap, "--topic", topic, "--threads", "100000");
        Run noState = auditor("verify", "--bootstrap-servers", bootstrap, "--topic", topic,
                "--since", dir.resolve("missing.state").toString());

        assertThat(tooManyThreads.exitCode).isEqualTo(2);
        assertThat(tooManyThreads.out).contains("--threads must be from 1 to 64, got 100000");
        assertThat(noState.exitCode).isEqualTo(2);
        assertThat(noState.out).contains("cannot use " + dir.resolve("missing.state") + ": no such file");
    }

    private record Run(int exitCode, String out) {
    }

    private static Run auditor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Auditor.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }
}
