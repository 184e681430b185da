package org.agreementledger.ledger.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.client.contract.ApiDocument;
import org.agreementledger.client.contract.ValidatingHttpClient;
import org.agreementledger.client.ledger.ApiClient;
import org.agreementledger.client.ledger.ApiException;
import org.agreementledger.client.ledger.ApiResponse;
import org.agreementledger.client.ledger.api.AgreementsApi;
import org.agreementledger.client.ledger.api.FeesApi;
import org.agreementledger.client.ledger.api.TransfersApi;
import org.agreementledger.client.ledger.model.Accept;
import org.agreementledger.client.ledger.model.AcceptPeople;
import org.agreementledger.client.ledger.model.AgreementRecord;
import org.agreementledger.client.ledger.model.AmendCommitmentsInner;
import org.agreementledger.client.ledger.model.CommandResponse;
import org.agreementledger.client.ledger.model.Complete;
import org.agreementledger.client.ledger.model.FeeSchedule;
import org.agreementledger.client.ledger.model.HeadcountLine;
import org.agreementledger.client.ledger.model.Money;
import org.agreementledger.client.ledger.model.NationalityScope;
import org.agreementledger.client.ledger.model.Offer;
import org.agreementledger.client.ledger.model.PayCosts;
import org.agreementledger.client.ledger.model.Problem;
import org.agreementledger.client.ledger.model.ProvideAssistance;
import org.agreementledger.client.ledger.model.RaiseVolume;
import org.agreementledger.client.ledger.model.Record;
import org.agreementledger.client.ledger.model.RecordPayment;
import org.agreementledger.client.ledger.model.RecordedEvent;
import org.agreementledger.client.ledger.model.Suspend;
import org.agreementledger.client.ledger.model.Validity;
import org.agreementledger.ledger.support.LedgerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The real agreements of February 2025 (as local-stack's {@code Scenario} records them), sent by the Java client
 * generated at build time from the committed {@code docs/openapi/ledger-service.json}: every step through the
 * generated API classes, with Idempotency-Key and If-Match, the refused transfer of US citizens read as a problem,
 * and every answer checked against the document on its way to the client.
 */
class TheGeneratedClientRecordsFebruary2025Test extends LedgerIntegrationTest {

    private static final ApiDocument DOCUMENT = ApiDocument.committed("ledger-service");

    @LocalServerPort
    int port;

    private final AtomicInteger validated = new AtomicInteger();

    @Test
    void aMinistrysGeneratedClientRecordsTheAgreementsOfFebruary2025AndReadsTheRefusalAsAProblem() throws ApiException {
        Country elSalvador = as("SV");
        Country unitedStates = as("US");

        // El Salvador offers to take deportees into CECOT (3 Feb 2025); sent twice with one key, recorded once
        Offer cecotOffer = new Offer().offeringParty("SV").otherParties(List.of("US")).offeredOn(date("2025-02-03"))
                .title("El Salvador offers to accept deportees of any nationality, convicted criminals only, into CECOT, for a fee")
                .validity(new Validity().from(date("2025-02-03")))
                .commitments(List.of(
                        commitment(new AcceptPeople().party("SV").nationalities(new NationalityScope().kind(NationalityScope.KindEnum.ANY))
                                .categories(Set.of(AcceptPeople.CategoriesEnum.CONVICTED_CRIMINAL, AcceptPeople.CategoriesEnum.GANG_MEMBER))
                                .fromParties(List.of("US")).facility("CECOT")),
                        commitment(new AcceptPeople().party("SV").nationalities(new NationalityScope()
                                        .kind(NationalityScope.KindEnum.LISTED).nationalities(List.of("US")))
                                .categories(Set.of(AcceptPeople.CategoriesEnum.CONVICTED_CRIMINAL))
                                .fromParties(List.of("US")).facility("CECOT")),
                        commitment(new PayCosts().party("US").payee("SV").purpose(PayCosts.PurposeEnum.FEES)
                                .description("a fee relatively low for the U.S. but significant for us"))))
                .feeSchedules(List.of(new FeeSchedule().payer("US").payee("SV").amount(usd("20000.00"))
                        .basis(FeeSchedule.BasisEnum.PER_PERSON_PER_YEAR)))
                .sourceReference("US Secretary of State, San Salvador, 3-4 Feb 2025; fee amount illustrative");
        String offerKey = "feb-2025-cecot-" + UUID.randomUUID();
        ApiResponse<CommandResponse> offered = elSalvador.agreements.offerWithHttpInfo(cecotOffer, offerKey);
        String cecot = offered.getData().getAgreementId();
        assertThat(offered.getStatusCode()).isEqualTo(201);
        assertThat(header(offered, "ETag")).isEqualTo("\"0\"");
        assertThat(header(offered, "Location")).endsWith("/agreements/" + cecot);
        ApiResponse<CommandResponse> again = elSalvador.agreements.offerWithHttpInfo(cecotOffer, offerKey);
        assertThat(again.getData().getAgreementId()).as("the same key answers the first offer again").isEqualTo(cecot);
        assertThat(header(again, "Idempotent-Replayed")).isEqualTo("true");

        String inForce = header(unitedStates.agreements.acceptWithHttpInfo(cecot,
                new Accept().party("US").acceptedOn(date("2025-02-04")), header(offered, "ETag"), null), "ETag");

        // Refused: convicted US citizens out of the US, although the offer names them
        ApiException refused = catchThrowableOfType(ApiException.class, () -> unitedStates.transfers.recordTransfer(cecot,
                new Record().fromCountry("US").toCountry("SV").transferDate(date("2025-03-15"))
                        .headcounts(List.of(line("US", HeadcountLine.CategoryEnum.CONVICTED_CRIMINAL, HeadcountLine.SexEnum.MALE, 5))),
                inForce, "feb-2025-us-citizens-" + UUID.randomUUID()));
        assertThat(refused.getCode()).isEqualTo(422);
        assertThat(refused.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
        Problem problem = unitedStates.problem(refused);
        assertThat(problem.getType()).hasToString("https://agreement-ledger.org/problems/own-citizen-removal");
        assertThat(problem.getField()).isEqualTo("headcounts[0].nationality");
        assertThat(problem.getAgreementId()).isEqualTo(cecot);

        // A stale If-Match is refused too, as a problem
        ApiException stale = catchThrowableOfType(ApiException.class, () -> unitedStates.agreements.suspend(cecot,
                new Suspend().party("US").suspendedOn(date("2025-03-01")).reason("review"), "\"0\"", null));
        assertThat(stale.getCode()).isEqualTo(412);
        assertThat(unitedStates.problem(stale).getType()).hasToString("https://agreement-ledger.org/problems/version-mismatch");

        // The first CECOT flight (15 Mar 2025), completed, and an instalment of the fee
        ApiResponse<CommandResponse> flight = unitedStates.transfers.recordTransferWithHttpInfo(cecot, new Record()
                        .fromCountry("US").toCountry("SV").transferDate(date("2025-03-15")).reference("first flights to CECOT")
                        .headcounts(List.of(line("VE", HeadcountLine.CategoryEnum.GANG_MEMBER, HeadcountLine.SexEnum.MALE, 238),
                                line("SV", HeadcountLine.CategoryEnum.GANG_MEMBER, HeadcountLine.SexEnum.MALE, 23))),
                inForce, "feb-2025-cecot-flight-" + UUID.randomUUID());
        String cecotFlight = flight.getData().getTransferId();
        assertThat(flight.getStatusCode()).isEqualTo(201);
        assertThat(header(flight, "Location")).endsWith("/agreements/" + cecot + "/transfers/" + cecotFlight);
        String completed = header(unitedStates.transfers.completeTransferWithHttpInfo(cecot, cecotFlight,
                new Complete().completedOn(date("2025-03-16")), header(flight, "ETag"), null), "ETag");
        ApiResponse<CommandResponse> paid = unitedStates.fees.recordFeePaymentWithHttpInfo(cecot, new RecordPayment()
                .payer("US").payee("SV").amount(usd("6000000.00")).paidOn(date("2025-03-20"))
                .reference("illustrative instalment"), completed, "feb-2025-cecot-fee-" + UUID.randomUUID());
        assertThat(paid.getStatusCode()).isEqualTo(201);
        assertThat(paid.getData().getPaymentId()).isNotBlank();

        // Guatemala as a safe third country (5 Feb 2025)
        String guatemala = unitedStates.agreements.offer(new Offer().offeringParty("US").otherParties(List.of("GT"))
                .offeredOn(date("2025-02-05")).validity(new Validity().from(date("2025-02-05")))
                .title("Guatemala as a safe third country: deportees of its own and other nationalities, +40 % deportation flights")
                .commitments(List.of(
                        commitment(new AcceptPeople().party("GT").nationalities(new NationalityScope().kind(NationalityScope.KindEnum.ANY))
                                .categories(Set.of(AcceptPeople.CategoriesEnum.IRREGULAR_MIGRANT)).fromParties(List.of("US"))
                                .pendingOnwardReturn(true)),
                        commitment(new RaiseVolume().party("GT").metric(RaiseVolume.MetricEnum.DEPORTATION_FLIGHTS_PER_MONTH)
                                .increasePercent(BigDecimal.valueOf(40))),
                        commitment(new PayCosts().party("US").payee("GT").purpose(PayCosts.PurposeEnum.ONWARD_RETURN_COSTS)
                                .description("the US pays the onward return of other nationals to their home countries")),
                        commitment(new ProvideAssistance().party("US").beneficiary("GT")
                                .description("ports, border security and infrastructure; details left to binational working groups"))))
                .sourceReference("Joint press conference, Guatemala City, 5 Feb 2025"), "feb-2025-gt-" + UUID.randomUUID())
                .getAgreementId();
        as("GT").agreements.accept(guatemala, new Accept().party("GT").acceptedOn(date("2025-02-05")), "\"0\"", null);

        // Panama, Colombia and the United States: the US-funded flight from Panama to Colombia
        Country panama = as("PA");
        String darien = panama.agreements.offer(new Offer().offeringParty("PA").otherParties(List.of("CO", "US"))
                .offeredOn(date("2025-02-01"))
                .title("US-funded return flights of people detained in Panama after crossing the Darien Gap")
                .commitments(List.of(
                        commitment(new AcceptPeople().party("CO").nationalities(new NationalityScope().kind(NationalityScope.KindEnum.OWN))
                                .categories(Set.of(AcceptPeople.CategoriesEnum.IRREGULAR_MIGRANT)).fromParties(List.of("PA"))),
                        commitment(new PayCosts().party("US").payee("PA").purpose(PayCosts.PurposeEnum.TRANSPORT_COSTS))))
                .sourceReference("public reporting, early Feb 2025"), null).getAgreementId();
        as("CO").agreements.accept(darien, new Accept().party("CO").acceptedOn(date("2025-02-01")), null, null);
        unitedStates.agreements.accept(darien, new Accept().party("US").acceptedOn(date("2025-02-01")), null, null);
        String darienFlight = panama.transfers.recordTransfer(darien, new Record().fromCountry("PA").toCountry("CO")
                .transferDate(date("2025-02-04")).reference("US-funded deportation flight")
                .headcounts(List.of(line("CO", HeadcountLine.CategoryEnum.IRREGULAR_MIGRANT, HeadcountLine.SexEnum.MALE, 32),
                        line("CO", HeadcountLine.CategoryEnum.IRREGULAR_MIGRANT, HeadcountLine.SexEnum.FEMALE, 11))),
                null, null).getTransferId();
        panama.transfers.completeTransfer(darien, darienFlight, new Complete().completedOn(date("2025-02-04")), null, null);

        // Under negotiation: Mexico, Costa Rica, the Dominican Republic
        for (String country : List.of("MX", "CR", "DO")) {
            String negotiation = unitedStates.agreements.offer(new Offer().offeringParty("US").otherParties(List.of(country))
                    .offeredOn(date("2025-02-05")).title("Under negotiation: acceptance of deportees by " + country)
                    .sourceReference("public reporting, Feb 2025"), null).getAgreementId();
            assertThat(types(as(country).agreements.agreementRecord(negotiation))).containsExactly("AgreementOffered");
        }

        // What each party now reads back through the client
        AgreementRecord cecotRecord = elSalvador.agreements.agreementRecord(cecot);
        assertThat(types(cecotRecord)).containsExactly("AgreementOffered", "AgreementAccepted", "AgreementEnteredIntoForce",
                "TransferRecorded", "TransferCompleted", "FeeAssessed", "FeePaymentRecorded");
        assertThat(cecotRecord.getVersion()).isEqualTo(paid.getData().getVersion());
        assertThat(types(panama.agreements.agreementRecord(darien))).containsSubsequence(
                "AgreementOffered", "AgreementEnteredIntoForce", "TransferRecorded", "TransferCompleted");
        assertThat(types(unitedStates.agreements.agreementRecord(guatemala))).contains("AgreementEnteredIntoForce");
        assertThat(validated.get()).as("every answer was checked against the document").isEqualTo(24);
    }

    /** One country's integration service, through the generated client. */
    private final class Country {
        final AgreementsApi agreements;
        final TransfersApi transfers;
        final FeesApi fees;
        private final ObjectMapper json;

        Country(String token) {
            json = ApiClient.createDefaultObjectMapper();
            ApiClient client = new ApiClient(ValidatingHttpClient.builder(DOCUMENT, validated), json, "http://localhost:" + port);
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
            agreements = new AgreementsApi(client);
            transfers = new TransfersApi(client);
            fees = new FeesApi(client);
        }

        /** A refusal's body, as the generated Problem. */
        Problem problem(ApiException refusal) {
            try {
                return json.readValue(refusal.getResponseBody(), Problem.class);
            } catch (java.io.IOException e) {
                throw new AssertionError(refusal.getResponseBody(), e);
            }
        }
    }

    private Country as(String country) {
        return new Country(countryToken(country));
    }

    private static AmendCommitmentsInner commitment(AcceptPeople commitment) {
        return new AmendCommitmentsInner(commitment);
    }

    private static AmendCommitmentsInner commitment(PayCosts commitment) {
        return new AmendCommitmentsInner(commitment);
    }

    private static AmendCommitmentsInner commitment(RaiseVolume commitment) {
        return new AmendCommitmentsInner(commitment);
    }

    private static AmendCommitmentsInner commitment(ProvideAssistance commitment) {
        return new AmendCommitmentsInner(commitment);
    }

    private static HeadcountLine line(String nationality, HeadcountLine.CategoryEnum category, HeadcountLine.SexEnum sex, int count) {
        return new HeadcountLine().nationality(nationality).category(category).sex(sex).count(count);
    }

    private static Money usd(String amount) {
        return new Money().amount(amount).currency("USD");
    }

    private static LocalDate date(String date) {
        return LocalDate.parse(date);
    }

    private static String header(ApiResponse<?> response, String name) {
        List<String> values = response.getHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static List<String> types(AgreementRecord record) {
        return record.getEvents().stream().map(RecordedEvent::getType).toList();
    }
}
