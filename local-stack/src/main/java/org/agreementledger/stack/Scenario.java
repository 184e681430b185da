package org.agreementledger.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The real agreements of February 2025, recorded through the public REST API of a running stack, as a
 * ministry's integration service would: El Salvador's CECOT offer, Guatemala as a safe third country, the
 * US-funded Panama→Colombia flight, the offers under negotiation, and one refused attempt to move US
 * citizens out of the US. Fee amounts no public source gave for February are marked illustrative.
 */
public final class Scenario {

    /** What the scenario recorded, for the caller to look up in the views. */
    public record Outcome(Map<String, String> agreements, String cecotFlight, String darienFlight, JsonNode refusal) {
    }

    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final String ledger;
    private final Function<String, String> tokens;
    private final PrintStream out;

    /** @param tokens the bearer token of each country's integration service, by ISO code */
    public Scenario(String ledgerUrl, Function<String, String> tokens, PrintStream out) {
        this(ledgerUrl, tokens, out, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** @param http sends the requests: a test may pass one that checks every answer against the API document */
    public Scenario(String ledgerUrl, Function<String, String> tokens, PrintStream out, HttpClient http) {
        this.ledger = ledgerUrl;
        this.tokens = tokens;
        this.out = out;
        this.http = http;
    }

    public Outcome run() {
        Map<String, String> agreements = new LinkedHashMap<>();

        step("El Salvador offers the United States to take deportees of any nationality into CECOT (3 Feb 2025)");
        String cecot = created("SV", "/agreements", """
                {"offeringParty": "SV", "otherParties": ["US"], "offeredOn": "2025-02-03",
                 "title": "El Salvador offers to accept deportees of any nationality, convicted criminals only, into CECOT, for a fee",
                 "validity": {"from": "2025-02-03"},
                 "commitments": [
                   {"type": "accept-people", "party": "SV", "nationalities": {"kind": "ANY"},
                    "categories": ["CONVICTED_CRIMINAL", "GANG_MEMBER"], "fromParties": ["US"], "facility": "CECOT"},
                   {"type": "accept-people", "party": "SV", "nationalities": {"kind": "LISTED", "nationalities": ["US"]},
                    "categories": ["CONVICTED_CRIMINAL"], "fromParties": ["US"], "facility": "CECOT"},
                   {"type": "pay", "party": "US", "payee": "SV", "purpose": "FEES",
                    "description": "a fee relatively low for the U.S. but significant for us"}],
                 "feeSchedules": [{"payer": "US", "payee": "SV", "amount": {"amount": "20000.00", "currency": "USD"},
                                   "basis": "PER_PERSON_PER_YEAR"}],
                 "sourceReference": "US Secretary of State, San Salvador, 3-4 Feb 2025; fee amount illustrative (later reporting: USD 6 million for about 300 people a year)"}""")
                .get("agreementId").asText();
        agreements.put("SV-US CECOT", cecot);
        ok("US", "/agreements/" + cecot + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-04\"}");

        step("Refused: a transfer of convicted US citizens from the US to El Salvador, although the offer names them");
        HttpResponse<String> refused = post("US", "/agreements/" + cecot + "/transfers", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-15",
                 "headcounts": [{"nationality": "US", "category": "CONVICTED_CRIMINAL", "sex": "MALE", "count": 5}]}""");
        JsonNode refusal = tree(refused.body());
        out.printf("    → %d %s%n      %s%n", refused.statusCode(), refusal.path("type").asText(), refusal.path("detail").asText());

        step("The first CECOT flight: Venezuelan alleged Tren de Aragua members and Salvadoran MS-13 members (15 Mar 2025)");
        String cecotFlight = created("US", "/agreements/" + cecot + "/transfers", """
                {"fromCountry": "US", "toCountry": "SV", "transferDate": "2025-03-15", "reference": "first flights to CECOT",
                 "headcounts": [{"nationality": "VE", "category": "GANG_MEMBER", "sex": "MALE", "count": 238},
                                {"nationality": "SV", "category": "GANG_MEMBER", "sex": "MALE", "count": 23}]}""")
                .get("transferId").asText();
        ok("US", "/agreements/" + cecot + "/transfers/" + cecotFlight + "/completion", "{\"completedOn\": \"2025-03-16\"}");
        created("US", "/agreements/" + cecot + "/fee-payments", """
                {"payer": "US", "payee": "SV", "amount": {"amount": "6000000.00", "currency": "USD"},
                 "paidOn": "2025-03-20", "reference": "illustrative instalment"}""");

        step("Guatemala becomes a safe third country for the United States (5 Feb 2025)");
        String guatemala = created("US", "/agreements", """
                {"offeringParty": "US", "otherParties": ["GT"], "offeredOn": "2025-02-05",
                 "title": "Guatemala as a safe third country: deportees of its own and other nationalities, +40 % deportation flights",
                 "validity": {"from": "2025-02-05"},
                 "commitments": [
                   {"type": "accept-people", "party": "GT", "nationalities": {"kind": "ANY"},
                    "categories": ["IRREGULAR_MIGRANT"], "fromParties": ["US"], "pendingOnwardReturn": true},
                   {"type": "raise-volume", "party": "GT", "metric": "DEPORTATION_FLIGHTS_PER_MONTH", "increasePercent": 40},
                   {"type": "pay", "party": "US", "payee": "GT", "purpose": "ONWARD_RETURN_COSTS",
                    "description": "the US pays the onward return of other nationals to their home countries"},
                   {"type": "assist", "party": "US", "beneficiary": "GT",
                    "description": "ports, border security and infrastructure; details left to binational working groups"}],
                 "sourceReference": "Joint press conference, Guatemala City, 5 Feb 2025"}""")
                .get("agreementId").asText();
        agreements.put("GT-US safe third country", guatemala);
        ok("GT", "/agreements/" + guatemala + "/acceptances", "{\"party\": \"GT\", \"acceptedOn\": \"2025-02-05\"}");

        step("Panama, Colombia and the United States: US-funded return flights from Panama");
        String darien = created("PA", "/agreements", """
                {"offeringParty": "PA", "otherParties": ["CO", "US"], "offeredOn": "2025-02-01",
                 "title": "US-funded return flights of people detained in Panama after crossing the Darien Gap",
                 "commitments": [
                   {"type": "accept-people", "party": "CO", "nationalities": {"kind": "OWN"},
                    "categories": ["IRREGULAR_MIGRANT"], "fromParties": ["PA"]},
                   {"type": "pay", "party": "US", "payee": "PA", "purpose": "TRANSPORT_COSTS"}],
                 "sourceReference": "public reporting, early Feb 2025"}""")
                .get("agreementId").asText();
        agreements.put("PA-CO-US return flights", darien);
        ok("CO", "/agreements/" + darien + "/acceptances", "{\"party\": \"CO\", \"acceptedOn\": \"2025-02-01\"}");
        ok("US", "/agreements/" + darien + "/acceptances", "{\"party\": \"US\", \"acceptedOn\": \"2025-02-01\"}");

        step("The flight from Panama to Colombia: 43 people, 32 men and 11 women");
        String darienFlight = created("PA", "/agreements/" + darien + "/transfers", """
                {"fromCountry": "PA", "toCountry": "CO", "transferDate": "2025-02-04", "reference": "US-funded deportation flight",
                 "headcounts": [{"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "MALE", "count": 32},
                                {"nationality": "CO", "category": "IRREGULAR_MIGRANT", "sex": "FEMALE", "count": 11}]}""")
                .get("transferId").asText();
        ok("PA", "/agreements/" + darien + "/transfers/" + darienFlight + "/completion", "{\"completedOn\": \"2025-02-04\"}");

        for (String[] negotiation : new String[][]{{"MX", "Mexico"}, {"CR", "Costa Rica"}, {"DO", "the Dominican Republic"}}) {
            step("Under negotiation: the United States and " + negotiation[1]);
            String id = created("US", "/agreements", """
                    {"offeringParty": "US", "otherParties": ["%s"], "offeredOn": "2025-02-05",
                     "title": "Under negotiation: acceptance of deportees by %s",
                     "sourceReference": "public reporting, Feb 2025"}""".formatted(negotiation[0], negotiation[1]))
                    .get("agreementId").asText();
            agreements.put("US-" + negotiation[0] + " negotiation", id);
        }

        out.println();
        agreements.forEach((name, id) -> out.printf("  %-28s %s%n", name, id));
        return new Outcome(agreements, cecotFlight, darienFlight, refusal);
    }

    private void step(String description) {
        out.println("• " + description);
    }

    private JsonNode created(String country, String path, String body) {
        return expect(post(country, path, body), 201, path);
    }

    private JsonNode ok(String country, String path, String body) {
        return expect(post(country, path, body), 200, path);
    }

    private JsonNode expect(HttpResponse<String> response, int status, String path) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return tree(response.body());
    }

    private HttpResponse<String> post(String country, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(ledger + path))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + tokens.apply(country))
                    .header("X-Correlation-Id", "scenario-feb-2025")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the ledger at " + ledger + " does not answer; is the stack running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode tree(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
