package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.Validity;
import org.agreementledger.infra.SharedTestInfrastructure;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** A log holding one record the auditor cannot apply still replays every other agreement, and says which record. */
class AnUnappliableRecordTest {

    private static final CountryCode SV = CountryCode.of("SV");
    private static final CountryCode US = CountryCode.of("US");

    private static String bootstrap;
    private static String topic;
    private static AgreementId broken;
    private static AgreementId sound;

    @BeforeAll
    static void aLogWithOneRecordNoReaderCanApply() {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        bootstrap = infrastructure.kafka().bootstrapServers();
        topic = infrastructure.freshTopic("auditor-unappliable", 1);
        broken = AgreementId.generate();
        sound = AgreementId.generate();
        try (SealedLog log = new SealedLog(bootstrap, topic)) {
            log.append(offer(broken, "broken at its second event"));
            // a transfer with no transfer id, date or headcounts: no reader can make an event of it
            log.append("TransferRecorded", broken, 2, "{\"agreementId\":\"" + broken.value() + "\"}");
            log.append(new AgreementAccepted(broken, US, LocalDate.of(2025, 2, 4)));
            log.append(offer(sound, "replayed in full"));
            log.append(new AgreementAccepted(sound, US, LocalDate.of(2025, 2, 4)));
            log.append(new AgreementEnteredIntoForce(sound, LocalDate.of(2025, 2, 4)));
        }
    }

    @Test
    void aReplayKeepsGoingPastARecordItCannotApplyAndReportsIt(@TempDir Path out) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        int exitCode = Auditor.run(print, print, "replay", "--bootstrap-servers", bootstrap, "--topic", topic,
                "--out", out.toString(), "--no-progress");
        String text = output.toString(StandardCharsets.UTF_8);

        assertThat(exitCode).as(text).isEqualTo(1);
        assertThat(text).contains("Replayed 4 events", "INCOMPLETE: 1 record(s) could not be applied",
                "agreement " + broken.value() + " sequence 1 (TransferRecorded) at partition 0 offset 1: ",
                "; 1 later event(s) held behind it");
        Map<String, JsonNode> agreements = byId(LedgerJson.readTree(Files.readAllBytes(out.resolve("agreements.json"))));
        assertThat(agreements.get(sound.value()).get("status").asText()).isEqualTo("IN_FORCE");
        assertThat(agreements.get(broken.value()).get("version").asLong()).as("stops before the record").isZero();
        assertThat(agreements.get(broken.value()).get("acceptedBy")).isEmpty();
        JsonNode unapplied = LedgerJson.readTree(Files.readAllBytes(out.resolve("unapplied.json")));
        assertThat(unapplied).hasSize(1);
        assertThat(unapplied.get(0).get("agreementId").asText()).isEqualTo(broken.value());
        assertThat(unapplied.get(0).get("sequence").asLong()).isEqualTo(1);
        assertThat(unapplied.get(0).get("offset").asLong()).isEqualTo(1);
        assertThat(unapplied.get(0).get("heldBehind").asLong()).isEqualTo(1);
        assertThat(unapplied.get(0).get("error").asText()).isNotBlank();
    }

    @Test
    void compareNamesWhatTheProjectionParkedAndFailsWhileItsOwnReplayIsIncomplete(@TempDir Path out) throws Exception {
        Auditor.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                "replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--out", out.toString(), "--no-progress");
        // a projection-service that holds the same views and parked the same record
        ObjectNode answer = LedgerJson.mapper().createObjectNode();
        for (String view : List.of("agreements", "transfers", "fees", "history", "countryCommitments")) {
            answer.set(view, LedgerJson.readTree(Files.readAllBytes(out.resolve(view + ".json"))));
        }
        answer.putArray("parkedEvents").addObject().put("topic", topic).put("partition", 0).put("offset", 1)
                .put("agreementId", broken.value()).put("sequence", 1).put("type", "TransferRecorded")
                .put("reason", "FAILED").put("error", "cannot construct TransferRecorded");
        FakeProjection.Comparison comparison = FakeProjection.compare(answer, bootstrap, topic);

        assertThat(comparison.exitCode()).as(comparison.output()).isEqualTo(1);
        assertThat(comparison.output()).contains("IDENTICAL", "The projection-service has parked 1 record(s)",
                "agreement " + broken.value() + " sequence 1 (TransferRecorded) at partition 0 offset 1: FAILED, "
                        + "cannot construct TransferRecorded",
                "INCOMPLETE: 1 record(s) could not be applied");
    }

    private static AgreementOffered offer(AgreementId id, String title) {
        return new AgreementOffered(id, SV, List.of(SV, US), LocalDate.of(2025, 2, 3),
                new AgreementTerms(title, List.of(), List.of(), new Validity(LocalDate.of(2025, 2, 3), null)), null);
    }

    private static Map<String, JsonNode> byId(JsonNode rows) {
        return StreamSupport.stream(rows.spliterator(), false)
                .collect(java.util.stream.Collectors.toMap(row -> row.get("agreementId").asText(), row -> row));
    }
}
