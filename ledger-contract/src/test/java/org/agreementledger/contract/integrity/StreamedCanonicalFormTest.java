package org.agreementledger.contract.integrity;

import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.AgeGroup;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.EventEnvelope;
import org.agreementledger.contract.EventTypes;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Sex;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferId;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.contract.Validity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The canonical form written token by token, as the auditor computes it, is the tree's, byte for byte. */
class StreamedCanonicalFormTest {

    private static final AgreementId ID = AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01");
    private static final CountryCode US = CountryCode.of("US");
    private static final CountryCode SV = CountryCode.of("SV");
    private static final LocalDate DAY = LocalDate.of(2025, 2, 3);
    private static final TransferId FLIGHT = TransferId.generate();

    private static List<AgreementEvent> oneOfEachType() {
        List<Headcount> heads = List.of(new Headcount(SV, PersonCategory.GANG_MEMBER, Sex.MALE, AgeGroup.ADULT, 238),
                new Headcount(US, PersonCategory.CONVICTED_CRIMINAL, Sex.FEMALE, AgeGroup.ADULT, 1));
        AgreementTerms terms = new AgreementTerms("Übergabe \"CECOT\" — 受け入れ 🇸🇻\n\t\u0001",
                List.of(), List.of(new FeeSchedule(US, SV, Money.of("99999999999999.99", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR)),
                new Validity(DAY, null));
        return List.of(
                new AgreementOffered(ID, SV, List.of(SV, US), DAY, terms, null),
                new OfferAmended(ID, US, DAY, terms),
                new OfferWithdrawn(ID, SV, DAY, null),
                new AgreementAccepted(ID, US, DAY),
                new AgreementRejected(ID, US, DAY, "no \\ thanks"),
                new AgreementEnteredIntoForce(ID, DAY),
                new AgreementSuspended(ID, US, DAY, "ça suffit"),
                new AgreementResumed(ID, US, DAY),
                new AgreementTerminated(ID, SV, DAY, ""),
                new AgreementExpired(ID, DAY),
                new TransferRecorded(ID, FLIGHT, US, SV, DAY, heads, null),
                new TransferCompleted(ID, FLIGHT, DAY),
                new TransferCancelled(ID, FLIGHT, DAY, "weather"),
                new TransferCorrected(ID, FLIGHT, 3, DAY, heads, "recount"),
                new FeeAssessed(ID, FLIGHT, US, SV, Money.of("5220000.00", "USD"), FeeSchedule.Basis.PER_PERSON_PER_YEAR, 261, DAY),
                new FeePaymentRecorded(ID, PaymentId.generate(), US, SV, Money.of("0.01", "USD"), DAY, "wire 42"));
    }

    private static EventEnvelope envelope(String type, Optional<String> previousHash, Optional<String> causation) {
        return new EventEnvelope("e-1", type, ID, 7, Instant.parse("2025-02-05T10:00:00.123Z"), 2, Optional.of("corr"),
                causation, Optional.of("integration-service-us"), Optional.of("US"), previousHash, Optional.empty());
    }

    private static void sameAsTheTree(String type, byte[] json) {
        assertThat(new String(CanonicalJson.bytes(json), StandardCharsets.UTF_8)).as(type)
                .isEqualTo(new String(CanonicalJson.bytes(CanonicalJson.parse(json)), StandardCharsets.UTF_8));
        for (EventEnvelope envelope : List.of(envelope(type, Optional.of("ab".repeat(32)), Optional.of("cause")),
                envelope(type, Optional.empty(), Optional.empty()))) {
            assertThat(EventChain.hashOf(envelope, json)).as(type)
                    .isEqualTo(Sha256.hex(CanonicalJson.bytes(EventChain.hashedForm(envelope, CanonicalJson.parse(json)))));
        }
    }

    @Test
    void everyEventTypeHashesAlikeStreamedOrAsATree() {
        List<AgreementEvent> events = oneOfEachType();
        Set<String> covered = events.stream().map(e -> EventTypes.nameOf(e.getClass())).collect(Collectors.toSet());
        assertThat(covered).as("one of each type").isEqualTo(Stream.of(AgreementEvent.class.getPermittedSubclasses())
                .map(Class::getSimpleName).collect(Collectors.toSet()));
        for (AgreementEvent event : events) {
            sameAsTheTree(EventTypes.nameOf(event.getClass()), LedgerJson.toBytes(event));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"amount\":123456789012345678901234567890.123456789,\"n\":-9007199254740993,\"m\":9007199254740992,"
                    + "\"big\":1234567890123456789012345678901234567890,\"e\":1.7e308,\"tiny\":-1.5E-300,\"z\":-0.0,\"i\":-0}",
            "{\"b\":{\"c\":null,\"a\":[null,{\"y\":null,\"x\":[]},{}],\"\":null},\"a\":null,\"list\":[[[null]]]}",
            "{\"\\u00e9\":1,\"e\\u0301\":2,\"\uD83D\uDE00\":3,\"\uFB01\":4,\"z\":\"\\ud83d\\ude00 pair\",\"k\":\"\\u007f\\u001f\\u2028\"}",
            "{ \"t\" : true , \"f\" : false , \"s\" : \"tab\\there \\\"q\\\" \\\\ \\/\" }",
            "{}",
            "[1,{\"b\":1,\"a\":2}]",
            "\"just a string\"",
            "null",
            ""})
    void extremesCanonicaliseAlikeStreamedOrAsATree(String json) {
        sameAsTheTree("extreme", json.getBytes(StandardCharsets.UTF_8));
    }

    /** One thread's writer is reused: a document far larger than the last, then a small one, each as the tree has it. */
    @Test
    void oneThreadHashingSmallThenHugeThenSmallDocumentsHashesEachAsTheTree() {
        String longText = "é\\\"✓🇸🇻".repeat(20_000);
        StringBuilder nested = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            nested.append("{\"z").append(i).append("\":\"").append("x".repeat(i)).append("\",\"a\":");
        }
        nested.append("[]").append("}".repeat(300));
        for (String json : List.of("{\"b\":1,\"a\":2}", "{\"text\":\"" + longText + "\",\"nested\":" + nested + "}",
                "{\"d\":{\"y\":\"short\",\"x\":[1]},\"c\":\"é\"}")) {
            sameAsTheTree("reused writer", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The event's time is written without a formatter: as Instant.toString has it, whatever its fraction or year. */
    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z", "2025-02-05T10:00:00.000001Z", "2025-02-05T10:00:00.100Z", "2024-02-29T23:00:09.010200Z",
            "2025-02-05T10:00:00.000000001Z", "0000-06-30T12:00:00Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
            "-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z"})
    void anEventsTimeHashesAlikeStreamedOrAsATree(String time) {
        timeHashesAlike(Instant.parse(time));
    }

    @Test
    void aThousandRandomTimesHashAlikeStreamedOrAsATree() {
        java.util.Random random = new java.util.Random(12);
        for (int i = 0; i < 1000; i++) {
            long second = random.nextLong(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            timeHashesAlike(Instant.ofEpochSecond(second, nano));
        }
    }

    private static void timeHashesAlike(Instant time) {
        EventEnvelope envelope = new EventEnvelope("e-1", "AgreementExpired", ID, 3, time, 1, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("cd".repeat(32)), Optional.empty());
        byte[] json = "{\"agreementId\":\"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01\",\"expiredOn\":\"2025-02-03\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(EventChain.hashOf(envelope, json)).as(time.toString())
                .isEqualTo(Sha256.hex(CanonicalJson.bytes(EventChain.hashedForm(envelope, CanonicalJson.parse(json)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":[1,2}", "{\"a\":1,\"a\":2,\"b\":null,\"b\":3}", "{\"c\":4,\"c\":null}", "{\"x\":[{\"b\":1,\"a\":2,\"b\":3}]}",
            "{\"a\":1}{\"a\":2}", "{\"a\":1} x", "{\"a\":1}]", "[1] 2"})
    void unreadableJsonRepeatedNamesAndContentAfterTheDocumentAreRefusedAlike(String json) {
        byte[] broken = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CanonicalJson.parse(broken)).isInstanceOf(UncheckedIOException.class).hasMessage("unreadable JSON");
        assertThatThrownBy(() -> CanonicalJson.bytes(broken)).isInstanceOf(UncheckedIOException.class).hasMessage("unreadable JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"e\":1e400}", "{\"e\":-1e309}", "{\"e\":1e-400}", "[2e999999999]"})
    void aNumberNoDoubleCanHoldIsRefusedAlike(String json) {
        byte[] number = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CanonicalJson.bytes(number)).hasMessageContaining("IEEE double");
        assertThatThrownBy(() -> CanonicalJson.bytes(CanonicalJson.parse(number))).hasMessageContaining("IEEE double");
    }

    @Test
    void anUnpairedSurrogateIsRefusedAlike() {
        byte[] half = "{\"z\":\"\\ud800 lone\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CanonicalJson.bytes(half)).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> CanonicalJson.bytes(CanonicalJson.parse(half))).hasMessageContaining("unpaired surrogate");
    }
}
