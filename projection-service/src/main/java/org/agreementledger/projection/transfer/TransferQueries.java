package org.agreementledger.projection.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.asof.PointInLog;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

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

    TransferQueries(JdbcTemplate jdbc, ReadAccess access, AsOfViews asOfViews) {
        this.jdbc = jdbc;
        this.access = access;
        this.asOfViews = asOfViews;
    }

    @GetMapping("/agreements/{agreementId}/transfers")
    @Operation(summary = "The transfers under an agreement, in date order")
    List<TransferView> transfersOf(@PathVariable String agreementId, PointInLog pointInLog) {
        access.check(agreementId);
        return asOfViews.answer(pointInLog, () -> transfers(agreementId));
    }

    private List<TransferView> transfers(String agreementId) {
        return jdbc.query("SELECT * FROM transfer_view WHERE agreement_id = ? ORDER BY transfer_date, recorded_sequence",
                (rs, row) -> new TransferView(rs.getString("transfer_id"), rs.getString("agreement_id"),
                        rs.getString("from_country"), rs.getString("to_country"),
                        rs.getObject("transfer_date", LocalDate.class), rs.getString("status"), rs.getInt("persons"),
                        Json.tree(rs.getString("headcounts")), rs.getString("reference"), rs.getLong("recorded_sequence"),
                        (Integer) rs.getObject("original_persons"), Json.tree(rs.getString("original_headcounts")),
                        Json.tree(rs.getString("corrections")), rs.getObject("completed_on", LocalDate.class),
                        rs.getObject("cancelled_on", LocalDate.class)),
                agreementId);
    }
}
