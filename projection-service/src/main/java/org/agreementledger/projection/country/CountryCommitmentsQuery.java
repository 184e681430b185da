package org.agreementledger.projection.country;

import org.agreementledger.security.Problems;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.CurrencyCode;
import io.swagger.v3.oas.annotations.Parameter;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOf;
import org.agreementledger.projection.asof.AsOfViews;
import org.springframework.web.bind.annotation.RequestParam;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.live.FeedBacklog;
import org.agreementledger.projection.live.LiveFeed;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Answers "what has this country committed to, and how much is used?" from the agreement, transfer and fee
 * views, so it is always exactly as current as they are.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Countries", description = "Each country's commitments and their use")
class CountryCommitmentsQuery {

    private final JdbcTemplate jdbc;
    private final ReadAccess access;
    private final LiveFeed feed;
    private final FeedBacklog backlog;
    private final Clock clock = Clock.systemUTC();

    private final TransactionTemplate snapshot;

    private final AsOfViews asOfViews;

    CountryCommitmentsQuery(JdbcTemplate jdbc, ReadAccess access, LiveFeed feed, FeedBacklog backlog,
                            PlatformTransactionManager transactions, AsOfViews asOfViews) {
        this.asOfViews = asOfViews;
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.access = access;
        this.feed = feed;
        this.backlog = backlog;
    }

    @GetMapping("/countries/{country}/commitments")
    @Operation(summary = "A country's commitments: what it accepts and from whom, capacity used, volume targets, fees")
    ResponseEntity<?> commitmentsOf(@PathVariable String country,
            @Parameter(description = "Answer as of this instant (ISO-8601): replays the topic up to it") @RequestParam(required = false) String asOf,
            @Parameter(description = "Answer as of this log position: partition:offset pairs, e.g. 0:120,3:98") @RequestParam(required = false) String position) {
        if (!CountryCode.isKnown(country)) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request",
                    "'" + country + "' is not an ISO 3166-1 alpha-2 country code.", "country");
        }
        access.restrictedTo().filter(own -> !own.equals(country)).ifPresent(own -> {
            throw new ReadAccess.NotAParty(own + " reads its own commitments only; auditors and dashboards read every country's.",
                    null);
        });
        Optional<AsOf> pointInLog = AsOf.parse(asOf, position);
        if (pointInLog.isPresent()) {
            return ResponseEntity.ok(asOfViews.query(pointInLog.get(), () -> read(country)));
        }
        return ResponseEntity.ok(build(country));
    }

    @GetMapping(path = "/live/countries/{country}/commitments", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "A country's commitments, live: the current view at once, then the new view after every event that concerns it")
    ResponseEntity<?> liveCommitmentsOf(@PathVariable String country,
                                        @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        // the starting point first: an event applied while the snapshot is read is then sent as an update
        long after = lastEventId != null && lastEventId.matches("\\d{1,18}") ? Long.parseLong(lastEventId) : backlog.latest();
        ResponseEntity<?> current = commitmentsOf(country, null, null);
        if (!current.getStatusCode().is2xxSuccessful()) {
            return current;
        }
        return ResponseEntity.ok(feed.subscribe(after, item -> item.parties().contains(country),
                backlog::after, item -> build(country), current.getBody()));
    }

    /** One consistent answer: every query of the view reads the same snapshot of the views. */
    CountryCommitments build(String country) {
        return snapshot.execute(status -> read(country));
    }

    private CountryCommitments read(String country) {
        Map<String, Long> byStatus = new TreeMap<>();
        jdbc.query("SELECT status, count(*) FROM agreement_view WHERE parties @> ?::jsonb GROUP BY status",
                rs -> {
                    byStatus.put(rs.getString(1), rs.getLong(2));
                }, party(country));
        List<CountryCommitments.Acceptance> accepts = new ArrayList<>();
        List<CountryCommitments.Volume> volumes = new ArrayList<>();
        List<CountryCommitments.Obligation> others = new ArrayList<>();
        jdbc.query("""
                SELECT agreement_id, title, status, terms FROM agreement_view
                WHERE parties @> ?::jsonb AND status IN ('OFFERED', 'IN_FORCE', 'SUSPENDED')
                  AND terms -> 'commitments' @> ?::jsonb
                ORDER BY offered_on, agreement_id""",
                rs -> {
                    String agreementId = rs.getString(1);
                    JsonNode terms = Json.tree(rs.getString(4));
                    List<JsonNode> acceptCommitments = new ArrayList<>();
                    for (JsonNode commitment : terms.path("commitments")) {
                        if (country.equals(commitment.path("party").asText())
                                && "accept-people".equals(commitment.path("type").asText())) {
                            acceptCommitments.add(commitment);
                        }
                    }
                    long[] received = acceptCommitments.isEmpty() ? new long[0]
                            : personsPerCommitment(agreementId, country, acceptCommitments);
                    for (int i = 0; i < acceptCommitments.size(); i++) {
                        accepts.add(acceptance(agreementId, rs.getString(2), rs.getString(3), acceptCommitments.get(i),
                                country, received[i]));
                    }
                    for (JsonNode commitment : terms.path("commitments")) {
                        if (!country.equals(commitment.path("party").asText())) {
                            continue;
                        }
                        switch (commitment.path("type").asText()) {
                            case "accept-people" -> { }
                            case "raise-volume" -> volumes.add(volume(agreementId, commitment, country));
                            default -> others.add(new CountryCommitments.Obligation(agreementId,
                                    commitment.path("type").asText(), commitment));
                        }
                    }
                }, party(country), "[{\"party\": \"" + country + "\"}]");
        return new CountryCommitments(country, byStatus, accepts, volumes, others,
                balances("payer", "payee", country), balances("payee", "payer", country));
    }

    /**
     * People received under each accept commitment: every headcount counts for the first commitment that covers
     * it, as the ledger assigns them when it checks capacity.
     */
    private long[] personsPerCommitment(String agreementId, String country, List<JsonNode> commitments) {
        long[] received = new long[commitments.size()];
        jdbc.query("SELECT from_country, headcounts FROM transfer_view WHERE agreement_id = ? AND to_country = ? "
                        + "AND status <> 'CANCELLED'",
                rs -> {
                    String from = rs.getString(1);
                    for (JsonNode headcount : Json.tree(rs.getString(2))) {
                        for (int c = 0; c < commitments.size(); c++) {
                            if (covers(commitments.get(c), headcount, from, country)) {
                                received[c] += headcount.path("count").asLong();
                                break;
                            }
                        }
                    }
                }, agreementId, country);
        return received;
    }

    private static boolean covers(JsonNode commitment, JsonNode headcount, String from, String country) {
        boolean fromAccepted = commitment.path("fromParties").isEmpty()
                || commitment.path("fromParties").toString().contains("\"" + from + "\"");
        boolean category = commitment.path("categories").toString().contains("\"" + headcount.path("category").asText() + "\"");
        String nationality = headcount.path("nationality").asText();
        JsonNode scope = commitment.path("nationalities");
        boolean national = switch (scope.path("kind").asText()) {
            case "ANY" -> true;
            case "OWN" -> nationality.equals(country);
            default -> scope.path("nationalities").toString().contains("\"" + nationality + "\"");
        };
        return fromAccepted && category && national;
    }

    private CountryCommitments.Acceptance acceptance(String agreementId, String title, String status, JsonNode commitment,
                                                     String country, long received) {
        CountryCommitments.Capacity capacity = null;
        JsonNode limit = commitment.path("capacity");
        if (!limit.isMissingNode() && !limit.isNull()) {
            capacity = capacity(agreementId, country, limit.path("persons").asInt(), limit.path("period").asText());
        }
        List<String> categories = new ArrayList<>();
        commitment.path("categories").forEach(c -> categories.add(c.asText()));
        List<String> from = new ArrayList<>();
        commitment.path("fromParties").forEach(c -> from.add(c.asText()));
        return new CountryCommitments.Acceptance(agreementId, title, status, commitment.path("nationalities"),
                categories, from, commitment.path("facility").isTextual() ? commitment.path("facility").asText() : null,
                commitment.path("pendingOnwardReturn").asBoolean(false), capacity, received);
    }

    /** Persons received per period; the capacity is shared by every accept commitment of the country in the agreement. */
    private CountryCommitments.Capacity capacity(String agreementId, String country, int persons, String period) {
        String key = switch (period) {
            case "MONTH" -> "to_char(transfer_date, 'YYYY-MM')";
            case "YEAR" -> "to_char(transfer_date, 'YYYY')";
            default -> "'agreement'";
        };
        Map<String, Long> used = new TreeMap<>();
        jdbc.query("SELECT " + key + ", sum(persons) FROM transfer_view WHERE agreement_id = ? AND to_country = ? "
                        + "AND status <> 'CANCELLED' GROUP BY 1",
                rs -> {
                    used.put(rs.getString(1), rs.getLong(2));
                }, agreementId, country);
        LocalDate today = LocalDate.now(clock);
        String current = switch (period) {
            case "MONTH" -> String.format("%d-%02d", today.getYear(), today.getMonthValue());
            case "YEAR" -> Integer.toString(today.getYear());
            default -> "agreement";
        };
        used.putIfAbsent(current, 0L);
        List<CountryCommitments.PeriodUse> use = new ArrayList<>();
        used.forEach((p, n) -> use.add(new CountryCommitments.PeriodUse(p, n, Math.max(0, persons - n))));
        return new CountryCommitments.Capacity(persons, period, use);
    }

    private CountryCommitments.Volume volume(String agreementId, JsonNode commitment, String country) {
        Map<String, Long> perMonth = new LinkedHashMap<>();
        jdbc.query("""
                SELECT to_char(transfer_date, 'YYYY-MM'), count(*) FROM transfer_view
                WHERE agreement_id = ? AND to_country = ? AND status <> 'CANCELLED' GROUP BY 1 ORDER BY 1""",
                rs -> {
                    perMonth.put(rs.getString(1), rs.getLong(2));
                }, agreementId, country);
        BigDecimal baseline = commitment.path("baseline").isNumber() ? commitment.path("baseline").decimalValue() : null;
        BigDecimal increase = commitment.path("increasePercent").decimalValue();
        BigDecimal target = baseline == null ? null : baseline.multiply(BigDecimal.valueOf(100).add(increase))
                .divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
        return new CountryCommitments.Volume(agreementId, commitment.path("metric").asText(), baseline, increase, target, perMonth);
    }

    private List<CountryCommitments.Balance> balances(String side, String other, String country) {
        return jdbc.query("SELECT agreement_id, " + other + ", currency, assessed, paid FROM fee_balance WHERE " + side
                        + " = ? ORDER BY agreement_id, currency",
                (rs, row) -> {
                    int digits = CurrencyCode.of(rs.getString(3).trim()).minorUnitDigits();
                    BigDecimal assessed = rs.getBigDecimal(4).setScale(digits);
                    BigDecimal paid = rs.getBigDecimal(5).setScale(digits);
                    return new CountryCommitments.Balance(rs.getString(1), rs.getString(2), rs.getString(3),
                            assessed.toPlainString(), paid.toPlainString(), assessed.subtract(paid).toPlainString());
                }, country);
    }

    private static String party(String country) {
        return "[\"" + country + "\"]";
    }
}
