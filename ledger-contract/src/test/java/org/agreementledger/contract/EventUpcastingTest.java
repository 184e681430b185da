package org.agreementledger.contract;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventUpcastingTest {

    private static final String V1_TRANSFER = """
            {"agreementId":"6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01","transferId":"0b7b1e53-3c2e-4a55-9a41-7c0f5f0e2a11",
             "fromCountry":"PA","toCountry":"CO","transferDate":"2025-02-06",
             "headcounts":[{"nationality":"CO","category":"IRREGULAR_MIGRANT","sex":"MALE","count":32}],"reference":null}""";

    @Test
    void aTransferRecordedBeforeAgeGroupsReadsAsNotRecorded() {
        TransferRecorded transfer = (TransferRecorded) EventUpcasting.read("TransferRecorded", 1,
                V1_TRANSFER.getBytes(StandardCharsets.UTF_8));

        assertThat(transfer.headcounts()).containsExactly(new Headcount(CountryCode.of("CO"), PersonCategory.IRREGULAR_MIGRANT,
                Sex.MALE, AgeGroup.NOT_RECORDED, 32));
    }

    @Test
    void withoutUpcastingAnOldTransferCannotBeRead() {
        assertThatThrownBy(() -> LedgerJson.read("TransferRecorded", V1_TRANSFER.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("TransferRecorded");
    }

    @Test
    void aCurrentTransferIsReadAsItIs() {
        TransferRecorded current = new TransferRecorded(AgreementId.of("6f1c1f7e-6a57-4d1b-9d8e-0d3f4d8d1a01"),
                TransferId.of("0b7b1e53-3c2e-4a55-9a41-7c0f5f0e2a11"), CountryCode.of("PA"), CountryCode.of("CO"),
                java.time.LocalDate.of(2025, 2, 6),
                List.of(new Headcount(CountryCode.of("CO"), PersonCategory.IRREGULAR_MIGRANT, Sex.FEMALE, AgeGroup.MINOR, 3)), null);

        assertThat(EventUpcasting.read("TransferRecorded", 2, LedgerJson.toBytes(current))).isEqualTo(current);
        assertThat(EventTypes.schemaVersionOf(TransferRecorded.class)).isEqualTo(2);
    }

    @Test
    void anEventWithAnythingAfterItsJsonOrAMemberNamedTwiceIsRefusedNotReadByItsFirstOrLastValue() {
        String accepted = "{\"agreementId\":\"" + AgreementId.generate() + "\",\"acceptingParty\":\"US\",\"acceptedOn\":\"2025-02-05\"}";
        assertThat(EventUpcasting.read("AgreementAccepted", 1, accepted.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AgreementAccepted.class);

        for (String hostile : List.of(accepted + "{\"acceptingParty\":\"SV\"}", accepted + " trailing",
                accepted.replace("\"acceptedOn\"", "\"acceptingParty\":\"SV\",\"acceptedOn\""))) {
            assertThatThrownBy(() -> EventUpcasting.read("AgreementAccepted", 1, hostile.getBytes(StandardCharsets.UTF_8)))
                    .as(hostile).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void aVersionNewerThanTheReaderIsRefusedRatherThanMisread() {
        assertThatThrownBy(() -> EventUpcasting.read("TransferRecorded", 3, V1_TRANSFER.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("newer");
    }

    @Test
    void setsInEventsAreWrittenInDeclarationOrderSoEveryJvmWritesTheSameJson() {
        Commitment.AcceptPeople accept = new Commitment.AcceptPeople(CountryCode.of("SV"), NationalityScope.any(),
                Set.of(PersonCategory.GANG_MEMBER, PersonCategory.CONVICTED_CRIMINAL), List.of(), "CECOT", null, false);

        String json = new String(LedgerJson.mapper().valueToTree(accept).get("categories").toString());

        assertThat(json).isEqualTo(List.of(PersonCategory.CONVICTED_CRIMINAL, PersonCategory.GANG_MEMBER).stream()
                .sorted().map(c -> "\"" + c + "\"").toList().toString().replace(" ", ""));
    }
}
