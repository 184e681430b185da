package org.agreementledger.auditor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.NationalityScope;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auditor replays each country's use of its accept commitments as the ledger counts it (each person against the
 * first commitment that takes them), and {@code compare} fails when the projection's country view counts otherwise.
 */
class OverlappingCommitmentsTest {

    private static final CountryCode GT = CountryCode.of("GT");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode VE = CountryCode.of("VE");
    private static final LocalDate FEB_3 = LocalDate.of(2025, 2, 3);

    private static String bootstrap;
    private static String topic;
    private static AgreementId id;

    @BeforeAll
    static void eightyMigrantsThenFortyConvictedVenezuelansUnderTwoOverlappingCommitments() {
        SharedTestInfrastructure infrastructure = SharedTestInfrastructure.get();
        bootstrap = infrastructure.kafka().bootstrapServers();
        topic = infrastructure.freshTopic("auditor-overlapping", 1);
        id = AgreementId.generate();
        AgreementTerms terms = new AgreementTerms("Guatemala: migrants, and convicted Venezuelans apart", List.of(
                new AcceptPeople(GT, NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT), List.of(), null,
                        new Capacity(100, Capacity.Period.MONTH), false),
                new AcceptPeople(GT, NationalityScope.listed(List.of(VE)),
                        Set.of(PersonCategory.IRREGULAR_MIGRANT, PersonCategory.CONVICTED_CRIMINAL), List.of(),
                        "CECOT-like facility", new Capacity(50, Capacity.Period.MONTH), false)),
                List.of(), new Validity(FEB_3, null));
        try (SealedLog log = new SealedLog(bootstrap, topic)) {
            log.append(new AgreementOffered(id, GT, List.of(GT, US), FEB_3, terms, null));
            log.append(new AgreementAccepted(id, US, LocalDate.of(2025, 2, 5)));
            log.append(new AgreementEnteredIntoForce(id, LocalDate.of(2025, 2, 5)));
            log.append(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 15),
                    List.of(new Headcount(VE, PersonCategory.IRREGULAR_MIGRANT, Sex.MALE, AgeGroup.NOT_RECORDED, 80)), null));
            log.append(new TransferRecorded(id, TransferId.generate(), US, GT, LocalDate.of(2025, 3, 16),
                    List.of(new Headcount(VE, PersonCategory.CONVICTED_CRIMINAL, Sex.MALE, AgeGroup.NOT_RECORDED, 40)), null));
        }
    }

    @Test
    void theReplayCountsEachPersonAgainstTheFirstCommitmentThatTakesThem(@TempDir Path out) throws Exception {
        replay(out);

        JsonNode rows = LedgerJson.readTree(Files.readAllBytes(out.resolve("countryCommitments.json")));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("commitment").asInt()).isZero();
        assertThat(rows.get(0).get("usedPerPeriod").toString()).isEqualTo("{\"2025-03\":80}");
        assertThat(rows.get(1).get("commitment").asInt()).isEqualTo(1);
        assertThat(rows.get(1).get("usedPerPeriod").toString()).isEqualTo("{\"2025-03\":40}");
    }

    @Test
    void compareFailsWhenTheProjectionCountsEveryTransferAgainstEveryCommitment(@TempDir Path out) throws Exception {
        replay(out);
        ObjectNode answer = LedgerJson.mapper().createObjectNode();
        for (String view : List.of("agreements", "transfers", "fees", "history", "countryCommitments")) {
            answer.set(view, LedgerJson.readTree(Files.readAllBytes(out.resolve(view + ".json"))));
        }
        assertThat(FakeProjection.compare(answer, bootstrap, topic).output()).contains("IDENTICAL");

        // what the dashboard showed before issue 11: all 120 people against the first commitment's 100
        ((ObjectNode) answer.get("countryCommitments").get(0).get("usedPerPeriod")).put("2025-03", 120);
        FakeProjection.Comparison comparison = FakeProjection.compare(answer, bootstrap, topic);

        assertThat(comparison.exitCode()).isEqualTo(1);
        assertThat(comparison.output()).contains("DIFFERENT", "countryCommitments", "GT/" + id.value() + "/commitments[0]");
    }

    private static void replay(Path out) {
        int exitCode = Auditor.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                "replay", "--bootstrap-servers", bootstrap, "--topic", topic, "--out", out.toString(), "--no-progress");
        assertThat(exitCode).isZero();
    }
}
