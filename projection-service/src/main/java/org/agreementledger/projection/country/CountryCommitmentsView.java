package org.agreementledger.projection.country;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Capacity;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.Commitment.AcceptPeople;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.views.AuditViews.CommitmentRow;
import org.agreementledger.contract.views.CommitmentUse;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.fee.FeeAmounts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers "what has this country committed to, and how much is used?" from the agreement and fee views and the
 * counts kept beside them ({@link CountryStatusCounts}, {@link CommitmentUseProjector}, {@code transfer_month}), so it
 * is always exactly as current as they are and costs one query per table, however many agreements and transfers stand
 * behind it; the agreements holding the country's commitments are found through an index of the commitments' parties.
 */
@Component
public class CountryCommitmentsView {

    /** One text node per country code, shared by every view (see {@link #compact}). */
    private static final Map<String, TextNode> CODES = Arrays.stream(Locale.getISOCountries())
            .collect(Collectors.toUnmodifiableMap(Function.identity(), TextNode::valueOf));

    private static final String STATUSES_SHOWN = "'" + String.join("', '", CommitmentUse.STATUSES_SHOWN) + "'";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;
    private final Clock clock = Clock.systemUTC();

    CountryCommitmentsView(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    /** One consistent answer: every query of the view reads the same snapshot of the views. */
    public CountryCommitments now(String country) {
        return snapshot.execute(status -> read(country));
    }

    /**
     * The most commitments one view lists. Each is held in memory while the view is built and sent (2 KiB or more at
     * the contract's bounds); a country party to 500 agreements at those bounds (50,000 commitments) ran the
     * projection out of heap for everyone (docs/benchmarks.md, run X). Beyond it the view is refused, not cut.
     */
    public static final int MAX_COMMITMENTS_LISTED = 10_000;

    /** A country's view would list more commitments than {@link #MAX_COMMITMENTS_LISTED}. */
    public static final class TooLarge extends RuntimeException {
        private final String country;
        private final long commitments;

        TooLarge(String country, long commitments) {
            super(country + "'s commitments view would list " + commitments + " commitments, more than the "
                    + MAX_COMMITMENTS_LISTED + " one view holds");
            this.country = country;
            this.commitments = commitments;
        }

        public String country() {
            return country;
        }

        public long commitments() {
            return commitments;
        }
    }

    /**
     * The answer from the views the current transaction sees (the live ones, or a scratch schema as of a point).
     *
     * @throws TooLarge before anything is read, if it would list more than {@link #MAX_COMMITMENTS_LISTED}
     */
    public CountryCommitments read(String country) {
        long listed = commitmentsListed(country);
        if (listed > MAX_COMMITMENTS_LISTED) {
            throw new TooLarge(country, listed);
        }
        return readWhole(country);
    }

    /** The commitments the country's view lists, counted by the database (the commitments' index finds them). */
    private long commitmentsListed(String country) {
        Long listed = jdbc.queryForObject("SELECT count(*) FROM agreement_view a "
                        + "CROSS JOIN LATERAL jsonb_array_elements(a.terms -> 'commitments') c "
                        + "WHERE a.parties @> ?::jsonb AND a.status IN (" + STATUSES_SHOWN + ") "
                        + "AND a.terms -> 'commitments' @> ?::jsonb AND c ->> 'party' = ?",
                Long.class, party(country), "[{\"party\": \"" + country + "\"}]", country);
        return listed == null ? 0 : listed;
    }

    private CountryCommitments readWhole(String country) {
        Map<String, Long> byStatus = new TreeMap<>();
        jdbc.query("SELECT status, sum(agreements) FROM country_status WHERE country = ? GROUP BY status "
                        + "HAVING sum(agreements) <> 0",
                rs -> {
                    byStatus.put(rs.getString(1), rs.getLong(2));
                }, country);
        CountryCode receiver = CountryCode.of(country);
        Map<String, Map<Integer, SortedMap<String, Long>>> used = used(country);
        Map<String, Map<String, Long>> months = transfersPerMonth(country);
        List<CountryCommitments.Acceptance> accepts = new ArrayList<>();
        List<CountryCommitments.Volume> volumes = new ArrayList<>();
        List<CountryCommitments.Obligation> others = new ArrayList<>();
        jdbc.query("SELECT agreement_id, title, status, terms FROM agreement_view "
                        + "WHERE parties @> ?::jsonb AND status IN (" + STATUSES_SHOWN + ") "
                        + "AND terms -> 'commitments' @> ?::jsonb ORDER BY offered_on, agreement_id",
                rs -> {
                    String agreementId = rs.getString(1);
                    JsonNode terms = Json.tree(rs.getString(4));
                    AgreementTerms typed = LedgerJson.mapper().convertValue(terms, AgreementTerms.class);
                    boolean accepting = typed.commitments().stream()
                            .anyMatch(c -> c instanceof AcceptPeople accept && accept.party().equals(receiver));
                    if (accepting) {
                        for (CommitmentUse use : uses(typed, receiver, used.getOrDefault(agreementId, Map.of()))) {
                            accepts.add(acceptance(agreementId, rs.getString(2), rs.getString(3),
                                    terms.path("commitments").get(use.commitment()), use));
                        }
                    }
                    for (JsonNode commitment : terms.path("commitments")) {
                        if (!country.equals(commitment.path("party").asText())) {
                            continue;
                        }
                        switch (commitment.path("type").asText()) {
                            case "accept-people" -> { }
                            case "raise-volume" -> volumes.add(volume(agreementId, commitment,
                                    months.getOrDefault(agreementId, Map.of())));
                            default -> others.add(new CountryCommitments.Obligation(agreementId,
                                    commitment.path("type").asText(), commitment));
                        }
                    }
                }, party(country), "[{\"party\": \"" + country + "\"}]");
        return new CountryCommitments(country, byStatus, accepts, volumes, others,
                balances("payer", "payee", country), balances("payee", "payer", country));
    }

    /**
     * Every country's use of its accept commitments, in the auditor's shape and order (country, agreement, commitment),
     * one row per commitment that a party of an agreement shown in country views takes on: what {@code auditor compare}
     * checks against its own replay. Read as {@link #auditRow} rows, so that a caller can hand them on as they come;
     * never a country's whole view, which a country over {@link #MAX_COMMITMENTS_LISTED} could not be held as.
     */
    public static final String AUDIT_ROWS = "SELECT c.value ->> 'party' AS country, a.agreement_id, "
            + "(c.ordinality - 1)::int AS commitment, c.value::text AS terms, "
            + "(SELECT json_object_agg(u.period, u.persons)::text FROM commitment_use u "
            + "WHERE u.agreement_id = a.agreement_id AND u.receiver = c.value ->> 'party' "
            + "AND u.commitment = c.ordinality - 1) AS used "
            + "FROM agreement_view a CROSS JOIN LATERAL jsonb_array_elements(a.terms -> 'commitments') "
            + "WITH ORDINALITY c WHERE a.status IN (" + STATUSES_SHOWN + ") "
            + "AND c.value ->> 'type' = 'accept-people' AND a.parties @> jsonb_build_array(c.value ->> 'party') "
            + "ORDER BY c.value ->> 'party' COLLATE \"C\", a.agreement_id COLLATE \"C\", c.ordinality";

    /** One row of {@link #AUDIT_ROWS}: one commitment, what it took counted as a country's view counts it. */
    public static CommitmentRow auditRow(ResultSet row) throws SQLException {
        AcceptPeople accept = (AcceptPeople) Json.read(row.getString("terms"), COMMITMENT);
        String used = row.getString("used");
        SortedMap<String, Long> periods = used == null ? new TreeMap<>() : Json.read(used, PERIODS);
        CommitmentUse use = use(row.getInt("commitment"), accept, periods);
        Capacity capacity = accept.capacity();
        return new CommitmentRow(row.getString("country"), row.getString("agreement_id"), use.commitment(),
                capacity == null ? null : capacity.persons(), capacity == null ? null : capacity.period().name(),
                use.personsReceived(), use.usedPerPeriod());
    }

    private static final TypeReference<Commitment> COMMITMENT = new TypeReference<>() {
    };
    private static final TypeReference<TreeMap<String, Long>> PERIODS = new TypeReference<>() {
    };

    /** What the transfers to the country used of each accept commitment: agreement → commitment → period → persons. */
    private Map<String, Map<Integer, SortedMap<String, Long>>> used(String country) {
        Map<String, Map<Integer, SortedMap<String, Long>>> used = new HashMap<>();
        jdbc.query("SELECT agreement_id, commitment, period, persons FROM commitment_use WHERE receiver = ?",
                rs -> {
                    used.computeIfAbsent(rs.getString(1), agreement -> new HashMap<>())
                            .computeIfAbsent(rs.getInt(2), commitment -> new TreeMap<>())
                            .put(rs.getString(3), rs.getLong(4));
                }, country);
        return used;
    }

    /** The receiver's accept commitments in the agreement's terms, with what they took (kept by {@link CommitmentUseProjector}). */
    private static List<CommitmentUse> uses(AgreementTerms terms, CountryCode receiver,
                                            Map<Integer, SortedMap<String, Long>> used) {
        List<CommitmentUse> uses = new ArrayList<>();
        for (int i = 0; i < terms.commitments().size(); i++) {
            if (terms.commitments().get(i) instanceof AcceptPeople accept && accept.party().equals(receiver)) {
                uses.add(use(i, accept, used.getOrDefault(i, new TreeMap<>())));
            }
        }
        return uses;
    }

    /** A commitment's use from what {@link CommitmentUseProjector} kept of it, per period or without one. */
    private static CommitmentUse use(int commitment, AcceptPeople accept, SortedMap<String, Long> periods) {
        if (accept.capacity() == null) {
            return new CommitmentUse(commitment, accept, periods.getOrDefault(CommitmentUseProjector.NO_PERIOD, 0L),
                    new TreeMap<>());
        }
        return new CommitmentUse(commitment, accept, periods.values().stream().mapToLong(Long::longValue).sum(), periods);
    }

    /** The transfers to the country that are not cancelled, per agreement and month. */
    private Map<String, Map<String, Long>> transfersPerMonth(String country) {
        Map<String, Map<String, Long>> months = new HashMap<>();
        jdbc.query("SELECT agreement_id, month, transfers FROM transfer_month WHERE to_country = ? AND transfers > 0 "
                        + "ORDER BY agreement_id, month",
                rs -> {
                    months.computeIfAbsent(rs.getString(1), agreement -> new LinkedHashMap<>())
                            .put(rs.getString(2), rs.getLong(3));
                }, country);
        return months;
    }

    private CountryCommitments.Acceptance acceptance(String agreementId, String title, String status, JsonNode commitment,
                                                     CommitmentUse use) {
        CountryCommitments.Capacity capacity = null;
        if (use.terms().capacity() != null) {
            int persons = use.terms().capacity().persons();
            Map<String, Long> used = new TreeMap<>(use.usedPerPeriod());
            used.putIfAbsent(use.terms().capacity().periodOf(LocalDate.now(clock)), 0L);
            List<CountryCommitments.PeriodUse> periods = new ArrayList<>();
            used.forEach((period, n) -> periods.add(new CountryCommitments.PeriodUse(period, n, Math.max(0, persons - n))));
            capacity = new CountryCommitments.Capacity(persons, use.terms().capacity().period().name(), periods);
        }
        List<String> categories = new ArrayList<>();
        commitment.path("categories").forEach(c -> categories.add(c.asText()));
        List<String> from = new ArrayList<>();
        commitment.path("fromParties").forEach(c -> from.add(c.asText()));
        return new CountryCommitments.Acceptance(agreementId, title, status, use.commitment(),
                compact(commitment.path("nationalities")), categories, from,
                commitment.path("facility").isTextual() ? commitment.path("facility").asText() : null,
                commitment.path("pendingOnwardReturn").asBoolean(false), capacity, use.personsReceived());
    }

    /**
     * The nationality scope as the terms state it, its codes shared: parsed afresh, an acceptance listing 250
     * nationalities held 250 text nodes and strings (some 20 KiB), and a view of 15,000 such acceptances exhausted the
     * projection's heap (docs/benchmarks.md, run X).
     */
    private static JsonNode compact(JsonNode scope) {
        if (!scope.isObject() || !scope.path("nationalities").isArray()) {
            return scope;
        }
        ObjectNode shared = JsonNodeFactory.instance.objectNode();
        scope.fields().forEachRemaining(field -> {
            if (field.getKey().equals("nationalities")) {
                ArrayNode codes = shared.putArray("nationalities");
                field.getValue().forEach(code -> codes.add(CODES.getOrDefault(code.asText(), TextNode.valueOf(code.asText()))));
            } else {
                shared.set(field.getKey(), field.getValue());
            }
        });
        return shared;
    }

    private CountryCommitments.Volume volume(String agreementId, JsonNode commitment, Map<String, Long> perMonth) {
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
                    FeeAmounts amounts = FeeAmounts.of(rs.getString(3), rs.getBigDecimal(4), rs.getBigDecimal(5));
                    return new CountryCommitments.Balance(rs.getString(1), rs.getString(2), rs.getString(3),
                            amounts.assessed(), amounts.paid(), amounts.outstanding());
                }, country);
    }

    private static String party(String country) {
        return "[\"" + country + "\"]";
    }
}
