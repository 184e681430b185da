package org.agreementledger.projection.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agreementledger.projection.support.ProjectionIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query parameter out of its bound, of the wrong type, or not a parameter of the operation at all is refused with
 * the problem every invalid request gets, naming it; none is answered as if the caller had not asked.
 */
class QueryParametersAtTheDoorTest extends ProjectionIntegrationTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aParameterOutOfBoundsOfTheWrongKindOrUnknownIsRefusedNamingItNeverIgnored() throws Exception {
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("/agreements?page=-1", "page"),
                Map.entry("/agreements?size=100000", "size"),
                Map.entry("/agreements?party=xx", "party"),
                Map.entry("/agreements?status=NOPE", "status"),
                Map.entry("/agreements?page=99999999999", "page"),
                Map.entry("/agreements?held=perhaps", "held"),
                Map.entry("/agreements?asOf=2025-03-01T00:00:00Z", "asOf"),
                Map.entry("/agreements?stauts=IN_FORCE", "stauts"),
                Map.entry("/transfers?from=yesterday", "from"),
                Map.entry("/transfers?from=%2B999999999-12-31", "from"),
                Map.entry("/transfers?to=0000-12-31", "to"),
                Map.entry("/transfers?agreement=%00", "agreement"),
                Map.entry("/transfers?agreement=not-an-agreement", "agreement"),
                Map.entry("/live/events?after=-1", "after"),
                Map.entry("/countries/SV/commitments?position=0:1,0:2", "position"),
                Map.entry("/countries/SV/commitments?position=999:1", "position"),
                Map.entry("/countries/SV/commitments?asOf=%2B10000-01-01T00:00:00Z", "asOf"),
                Map.entry("/live/transfers?after=-5", "after"),
                Map.entry("/countries/SV/commitments?as_of=2025-03-01T00:00:00Z", "as_of"));
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> answer = get(refusal.getKey());
            assertThat(answer.statusCode()).as(refusal.getKey() + " " + answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("type").asText()).as(refusal.getKey()).endsWith("/invalid-request");
            assertThat(problem.get("field").asText()).as(refusal.getKey()).isEqualTo(refusal.getValue());
            assertThat(problem.get("detail").asText()).as(refusal.getKey()).contains(refusal.getValue());
        }
        HttpResponse<String> listed = get("/agreements?status=IN_FORCE&party=SV&page=0&size=5");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        HttpResponse<String> allDates = get("/transfers?from=0001-01-01&to=9999-12-31");
        assertThat(allDates.statusCode()).as("the contract's first and last dates " + allDates.body()).isEqualTo(200);
        assertThat(get("/countries/SV/commitments?asOf=2025-03-01T00:00:00Z").statusCode()).as("as of, where it is one")
                .isEqualTo(200);
        HttpResponse<String> browser = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/agreements?access_token=" + dashboardToken())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(browser.statusCode()).as("a browser's token " + browser.body()).isEqualTo(200);
    }

    @Test
    void anAgreementIdInThePathSpelledOtherThanTheLedgerWritesItIsRefusedNamingItWithoutRepeatingIt() throws Exception {
        String markup = "%3Cimg%20src=x%20onerror=alert(1)%3E";
        for (String id : new String[] {"not-an-agreement", "1-1-1-1-1", "1B9F6A3E-0C1D-4C8E-9A51-2F0D5A4E7B10",
                markup, "a".repeat(2000)}) {
            for (String path : new String[] {"/agreements/%s", "/agreements/%s/history", "/agreements/%s/transfers",
                    "/agreements/%s/fees", "/live/agreements/%s"}) {
                HttpResponse<String> answer = get(path.formatted(id));
                String shown = path.formatted(id.length() > 20 ? id.substring(0, 20) + "…" : id);
                assertThat(answer.statusCode()).as(shown + " " + answer.body()).isEqualTo(400);
                JsonNode problem = json.readTree(answer.body());
                assertThat(problem.get("type").asText()).as(shown).endsWith("/invalid-request");
                assertThat(problem.get("field").asText()).as(shown).isEqualTo("agreementId");
                assertThat(problem.get("detail").asText()).as(shown).contains("canonical")
                        .doesNotContain(id).doesNotContain("<img");
                assertThat(problem.has("agreementId")).as(shown).isFalse();
            }
        }
    }

    @Test
    void aLastEventIdTheStreamCouldNotHaveSentIsRefusedRatherThanReadAsFromNow() throws Exception {
        for (String lastEventId : new String[] {"abc", "-5", "1e3", "9999999999999999999"}) {
            for (String stream : new String[] {"/live/events", "/live/transfers"}) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + stream))
                        .header("Authorization", "Bearer " + dashboardToken()).header("Last-Event-ID", lastEventId).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(stream + " " + lastEventId + " " + answer.body()).isEqualTo(400);
                assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("Last-Event-ID");
            }
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + dashboardToken()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
