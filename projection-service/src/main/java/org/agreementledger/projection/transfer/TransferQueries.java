package org.agreementledger.projection.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.asof.PointInLog;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;

@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Transfers", description = "Transfers as projected: current counts, status and the corrections that led there")
class TransferQueries {

    /**
     * A transfer: aggregate counts by nationality, category, sex and age group. A correction never hides what it
     * corrected: the counts first recorded (event {@code recordedSequence}) stay next to the corrections, each
     * naming the sequence of the event it corrects.
     */
    record TransferView(String transferId, String agreementId, String fromCountry, String toCountry,
                        LocalDate transferDate, String status, int persons, JsonNode headcounts, String reference,
                        long recordedSequence, Integer originalPersons, JsonNode originalHeadcounts,
                        JsonNode corrections, LocalDate completedOn, LocalDate cancelledOn) {
    }

    private final JdbcTemplate jdbc;
    private final ReadAccess access;
    private final AsOfViews asOfViews;
    private final ObjectMapper mapper;

    TransferQueries(JdbcTemplate jdbc, ReadAccess access, AsOfViews asOfViews, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.access = access;
        this.asOfViews = asOfViews;
        this.mapper = mapper;
    }

    /**
     * Written a chunk of transfers at a time, never held whole: 3,200 transfers at the contract's bounds (100 headcount
     * lines each, recorded and current) ran the projection out of heap in one request (docs/benchmarks.md, run Z3).
     */
    @GetMapping("/agreements/{agreementId}/transfers")
    @Operation(summary = "The transfers under an agreement, in date order")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            array = @ArraySchema(schema = @Schema(implementation = TransferView.class))))
    void transfersOf(@PathVariable String agreementId, PointInLog pointInLog, HttpServletResponse response) {
        access.check(agreementId);
        asOfViews.answer(pointInLog, () -> {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            try {
                Json.<TransferView>writeArrayInChunks(mapper, response.getOutputStream(), last -> transfersAfter(agreementId, last));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
    }

    /** The next chunk in date order, after {@code last} (null: from the first). */
    private List<TransferView> transfersAfter(String agreementId, TransferView last) {
        RowMapper<TransferView> transfer = (rs, row) -> new TransferView(rs.getString("transfer_id"),
                rs.getString("agreement_id"), rs.getString("from_country"), rs.getString("to_country"),
                rs.getObject("transfer_date", LocalDate.class), rs.getString("status"), rs.getInt("persons"),
                Json.tree(rs.getString("headcounts")), rs.getString("reference"), rs.getLong("recorded_sequence"),
                (Integer) rs.getObject("original_persons"), Json.tree(rs.getString("original_headcounts")),
                Json.tree(rs.getString("corrections")), rs.getObject("completed_on", LocalDate.class),
                rs.getObject("cancelled_on", LocalDate.class));
        // PostgreSQL's -infinity precedes every date: the first chunk is the one after it
        return jdbc.query("SELECT * FROM transfer_view WHERE agreement_id = ? AND (transfer_date, recorded_sequence) > (?::date, ?)"
                        + " ORDER BY transfer_date, recorded_sequence LIMIT ?", transfer, agreementId,
                last == null ? "-infinity" : last.transferDate().toString(), last == null ? -1 : last.recordedSequence(),
                Json.ROWS_PER_CHUNK);
    }
}
