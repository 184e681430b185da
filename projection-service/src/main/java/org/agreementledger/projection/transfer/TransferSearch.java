package org.agreementledger.projection.transfer;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.agreementledger.security.Problems;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.PersonCategory;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.consumer.Json;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transfers across agreements, filtered by country (sending or receiving), agreement, date range, nationality and
 * category, a page at a time, with the totals by nationality × category × sex of everything that matches.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Transfers")
class TransferSearch {

    /** One matching transfer. */
    record Match(String transferId, String agreementId, String fromCountry, String toCountry, LocalDate transferDate,
                 String status, int persons, JsonNode headcounts, String reference) {
    }

    record Total(String nationality, String category, String sex, long persons) {
    }

    /** A page of matching transfers, and the totals of all matching ones (cancelled transfers do not count). */
    record Result(List<Match> transfers, int page, int size, long matching, List<Total> totals, long totalPersons) {
    }

    private final JdbcTemplate jdbc;
    private final ReadAccess access;

    TransferSearch(JdbcTemplate jdbc, ReadAccess access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @GetMapping("/transfers")
    @Operation(summary = "Transfers across agreements with filters, and totals by nationality × category × sex")
    @ApiResponse(responseCode = "200", description = "A page of matching transfers and the totals of all that match",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Result.class)))
    ResponseEntity<?> search(
            @Parameter(description = "Sending or receiving country", example = "SV") @RequestParam(required = false) String country,
            @RequestParam(required = false) String agreement,
            @Parameter(example = "2025-03-01") @RequestParam(required = false) LocalDate from,
            @Parameter(example = "2025-03-31") @RequestParam(required = false) LocalDate to,
            @Parameter(example = "VE") @RequestParam(required = false) String nationality,
            @Parameter(example = "GANG_MEMBER") @RequestParam(required = false) String category,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        String invalid = country != null && !CountryCode.isKnown(country) ? "country"
                : agreement != null && !AgreementId.isValid(agreement) ? "agreement"
                : nationality != null && !CountryCode.isKnown(nationality) ? "nationality"
                : category != null && Arrays.stream(PersonCategory.values()).noneMatch(c -> c.name().equals(category)) ? "category"
                : page < 0 ? "page" : size < 1 || size > 500 ? "size" : null;
        if (invalid != null) {
            return Problems.response(HttpStatus.BAD_REQUEST, "invalid-request", invalid + " is not valid here.", invalid);
        }
        String tables = " FROM transfer_view t JOIN agreement_view a ON a.agreement_id = t.agreement_id";
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> args = new ArrayList<>();
        access.restrictedTo().ifPresent(visible -> {
            where.append(" AND a.parties @> ?::jsonb");
            args.add("[\"" + visible + "\"]");
        });
        if (country != null) {
            where.append(" AND (t.from_country = ? OR t.to_country = ?)");
            args.add(country);
            args.add(country);
        }
        if (agreement != null) {
            where.append(" AND t.agreement_id = ?");
            args.add(agreement);
        }
        if (from != null) {
            where.append(" AND t.transfer_date >= ?");
            args.add(Date.valueOf(from));
        }
        if (to != null) {
            where.append(" AND t.transfer_date <= ?");
            args.add(Date.valueOf(to));
        }
        String headcountFilter = headcountFilter(nationality, category);
        List<Object> headcountArgs = new ArrayList<>();
        if (nationality != null) {
            headcountArgs.add(nationality);
        }
        if (category != null) {
            headcountArgs.add(category);
        }
        if (!headcountFilter.isEmpty()) {
            where.append(" AND EXISTS (SELECT 1 FROM jsonb_array_elements(t.headcounts) e WHERE true").append(headcountFilter).append(")");
            args.addAll(headcountArgs);
        }
        Long matching = jdbc.queryForObject("SELECT count(*)" + tables + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(size);
        pageArgs.add((long) page * size);
        List<Match> transfers = jdbc.query("SELECT t.*" + tables + where + " ORDER BY t.transfer_date, t.agreement_id, t.transfer_id LIMIT ? OFFSET ?",
                (rs, row) -> new Match(rs.getString("transfer_id"), rs.getString("agreement_id"), rs.getString("from_country"),
                        rs.getString("to_country"), rs.getObject("transfer_date", LocalDate.class), rs.getString("status"),
                        rs.getInt("persons"), Json.tree(rs.getString("headcounts")), rs.getString("reference")),
                pageArgs.toArray());
        List<Object> totalArgs = new ArrayList<>(args);
        totalArgs.addAll(headcountArgs);
        List<Total> totals = jdbc.query("SELECT e->>'nationality', e->>'category', e->>'sex', sum((e->>'count')::bigint)"
                        + tables + " CROSS JOIN LATERAL jsonb_array_elements(t.headcounts) e" + where
                        + " AND t.status <> 'CANCELLED'" + headcountFilter + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                (rs, row) -> new Total(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
                totalArgs.toArray());
        long totalPersons = totals.stream().mapToLong(Total::persons).sum();
        return ResponseEntity.ok(new Result(transfers, page, size, matching == null ? 0 : matching, totals, totalPersons));
    }

    private static String headcountFilter(String nationality, String category) {
        StringBuilder filter = new StringBuilder();
        if (nationality != null) {
            filter.append(" AND e->>'nationality' = ?");
        }
        if (category != null) {
            filter.append(" AND e->>'category' = ?");
        }
        return filter.toString();
    }
}
