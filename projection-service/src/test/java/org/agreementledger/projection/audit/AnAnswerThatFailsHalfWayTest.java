package org.agreementledger.projection.audit;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.NationalityScope;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.contract.Validity;
import org.agreementledger.projection.support.LedgerRecords;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A streamed answer (the audit views, a page of agreements) is sent as its rows are read, so its status is sent
 * before the last row is. When a row then cannot be read, the client must not be left holding what looks like the
 * whole answer: a 200 whose document is closed early, or followed by a problem that reads as more of it.
 */
class AnAnswerThatFailsHalfWayTest extends ProjectionIntegrationTest {

    private static final CountryCode FJ = CountryCode.of("FJ");
    private static final CountryCode WS = CountryCode.of("WS");
    private static final LocalDate DAY = LocalDate.of(2025, 9, 1);

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private AgreementId broken;
    private String originalTerms;

    @AfterEach
    void mend() {
        jdbc.update("UPDATE views.agreement_view SET accepted_by = '[]'::jsonb, terms = ?::jsonb WHERE agreement_id = ?",
                originalTerms, broken.value());
    }

    @Test
    void anAnswerThatFailsAfterItsStartIsCutShortNeverCompletedSoNoClientTakesPartOfItForTheWhole() throws Exception {
        AgreementTerms terms = new AgreementTerms("Fiji and Samoa: returns", List.of(new Commitment.AcceptPeople(WS,
                NationalityScope.any(), Set.of(PersonCategory.IRREGULAR_MIGRANT), List.of(FJ), null, null, false)),
                List.of(), new Validity(DAY, null));
        try (LedgerRecords records = new LedgerRecords(TOPIC)) {
            // enough before it that the answer has started when the broken row is reached
            for (int i = 0; i < 60; i++) {
                records.publish(new AgreementOffered(AgreementId.generate(), FJ, List.of(FJ, WS), DAY, terms, null), 0);
            }
            broken = AgreementId.generate();
            records.publish(new AgreementOffered(broken, FJ, List.of(FJ, WS), DAY.plusDays(1), terms, null), 0);
        }
        awaitApplied(jdbc, broken, 0);
        originalTerms = jdbc.queryForObject("SELECT terms::text FROM views.agreement_view WHERE agreement_id = ?",
                String.class, broken.value());
        String auditor = TOKENS.mint("auditor", null, List.of("ledger.audit", "ledger.read"), Duration.ofHours(1));

        // commitments that are not a list: the database fails on them after four tables of the answer are sent
        jdbc.update("UPDATE views.agreement_view SET terms = jsonb_set(terms, '{commitments}', '{\"WS\": true}') "
                + "WHERE agreement_id = ?", broken.value());
        assertCutShort("/audit/views", auditor);
        mend();

        // acceptances that are not a list: the service fails on them after the other 60 agreements are sent
        jdbc.update("UPDATE views.agreement_view SET accepted_by = '{\"WS\": true}'::jsonb WHERE agreement_id = ?",
                broken.value());
        assertCutShort("/agreements?party=FJ&size=100", auditor);

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).as("what alert RequestsFailing reads: the 200 sent, and the failure after it")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*exception=\"DataIntegrityViolationException\""
                        + "[^}]*outcome=\"SUCCESS\"[^}]*status=\"200\"[^}]*uri=\"/audit/views\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*exception=\"UncheckedIOException\""
                        + "[^}]*outcome=\"SERVER_ERROR\"[^}]*status=\"500\"");
    }

    private void assertCutShort(String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .as(path + ": its 200 was sent, so it can only be cut short").isInstanceOf(IOException.class);
    }
}
