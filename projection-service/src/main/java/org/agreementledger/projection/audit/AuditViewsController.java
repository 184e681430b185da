package org.agreementledger.projection.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.views.AuditViews;
import org.agreementledger.contract.views.AuditViews.AgreementRow;
import org.agreementledger.contract.views.AuditViews.FeeRow;
import org.agreementledger.contract.views.AuditViews.HistoryRow;
import org.agreementledger.contract.views.AuditViews.TransferRow;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.country.CountryCommitmentsView;
import org.agreementledger.projection.consumer.ParkedEvent;
import org.agreementledger.projection.consumer.ParkedEvents;
import org.agreementledger.projection.asof.PointInLog;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;


/**
 * Every stored view in the one shape an auditor's {@code replay} also produces ({@link AuditViews}), live or as of a
 * point in the log, so {@code auditor compare} can check the service's views against its own, byte for byte; and
 * next to them the records those views could not apply ({@code parkedEvents}), which explain where they differ.
 */
@RestController
@Tag(name = "audit", description = "Every view in the auditor's shape, for `auditor compare`")
class AuditViewsController {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /**
     * Rows fetched at a time (PostgreSQL's driver reads through a cursor when the transaction is open), so that a fetch
     * holds some 10 MB at most: agreements are up to ~160 KB each at the contract's bounds, the other rows a few KB.
     */
    private static final int ROWS_PER_FETCH = 500;
    private static final int AGREEMENTS_PER_FETCH = 64;

    private final JdbcTemplate cursor;
    private final ObjectMapper mapper;
    private final AsOfViews asOfViews;
    private final TransactionTemplate snapshot;

    AuditViewsController(JdbcTemplate jdbc, AsOfViews asOfViews, PlatformTransactionManager transactions,
                         ObjectMapper mapper) {
        this.cursor = new JdbcTemplate(jdbc.getDataSource());
        this.mapper = mapper;
        this.asOfViews = asOfViews;
        // one consistent snapshot of all the tables while the consumer goes on applying events
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /**
     * Written as the rows are read, a table at a time from one cursor, never held whole: the timeline of a ledger with
     * millions of events is hundreds of megabytes as objects, far more than the service's heap, and one auditor's
     * request must not stop the views for everyone. A point in the log that cannot be read is refused before anything
     * is written.
     */
    @GetMapping(path = "/audit/views", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Every view (agreements, transfers, fees, history, country commitments) in the auditor's canonical shape")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = Answer.class)))
    void views(PointInLog pointInLog, HttpServletResponse response) {
        asOfViews.answer(pointInLog, () -> write(response),
                () -> asOfViews.heavy(() -> snapshot.execute(status -> write(response))));
    }

    /** The views, and the records parked in them (an extra field, which readers of {@link AuditViews} ignore). */
    record Answer(@JsonUnwrapped AuditViews views, List<ParkedEvent> parkedEvents) {
    }

    private Void write(HttpServletResponse response) {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        ObjectWriter writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        // a failure half way must leave the document unfinished, never closed into one that looks whole
        try (JsonGenerator json = mapper.getFactory().createGenerator(response.getOutputStream())
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            json.writeStartObject();
            rows(json, writer, "agreements", "SELECT * FROM agreement_view", AGREEMENTS_PER_FETCH, (row, i) -> new AgreementRow(
                    row.getString("agreement_id"), row.getString("offering_party"),
                    Json.read(row.getString("parties"), STRINGS), row.getString("title"),
                    date(row, "offered_on"), row.getString("status"), Json.tree(row.getString("terms")),
                    Json.read(row.getString("accepted_by"), STRINGS), date(row, "in_force_on"),
                    date(row, "ended_on"), row.getString("source_reference"), row.getLong("version"),
                    instant(row, "last_event_at")));
            rows(json, writer, "transfers", "SELECT * FROM transfer_view", ROWS_PER_FETCH, (row, i) -> new TransferRow(
                    row.getString("agreement_id"), row.getString("transfer_id"), row.getString("from_country"),
                    row.getString("to_country"), date(row, "transfer_date"), row.getString("status"),
                    row.getInt("persons"), Json.tree(row.getString("headcounts")), row.getString("reference"),
                    row.getLong("recorded_sequence"), (Integer) row.getObject("original_persons"),
                    Json.tree(row.getString("original_headcounts")), corrections(row), date(row, "completed_on"),
                    date(row, "cancelled_on")));
            rows(json, writer, "fees", "SELECT * FROM fee_balance", ROWS_PER_FETCH, (row, i) -> {
                BigDecimal assessed = row.getBigDecimal("assessed");
                BigDecimal paid = row.getBigDecimal("paid");
                return new FeeRow(row.getString("agreement_id"), row.getString("payer"), row.getString("payee"),
                        row.getString("currency"), AuditViews.amount(assessed), AuditViews.amount(paid),
                        AuditViews.amount(assessed.subtract(paid)));
            });
            // not the payloads: the auditor's shape has none, and they are most of the table's bytes
            rows(json, writer, "history", "SELECT agreement_id, sequence, event_id, type, occurred_at, principal, country,"
                    + " correlation_id, causation_id FROM agreement_history", ROWS_PER_FETCH, (row, i) -> new HistoryRow(
                    row.getString("agreement_id"), row.getLong("sequence"), row.getString("event_id"),
                    row.getString("type"), instant(row, "occurred_at"), row.getString("principal"),
                    trimmed(row.getString("country")), row.getString("correlation_id"), row.getString("causation_id")));
            rows(json, writer, "countryCommitments", CountryCommitmentsView.AUDIT_ROWS, ROWS_PER_FETCH,
                    (row, i) -> CountryCommitmentsView.auditRow(row));
            // streamed like the views: a faulty release can park nearly every event
            rows(json, writer, "parkedEvents", ParkedEvents.IN_ORDER, ROWS_PER_FETCH, ParkedEvents.ROW);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /** One table as a JSON array, each row written as it comes from the cursor (the caller's transaction holds it). */
    private <T> void rows(JsonGenerator json, ObjectWriter writer, String field, String sql, int rowsPerFetch,
                          RowMapper<T> rows) throws IOException {
        json.writeFieldName(field);
        json.writeStartArray();
        cursor.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            statement.setFetchSize(rowsPerFetch);
            return statement;
        }, (RowCallbackHandler) row -> {
            try {
                writer.writeValue(json, rows.mapRow(row, 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        json.writeEndArray();
    }

    private static JsonNode corrections(ResultSet row) throws SQLException {
        return Json.tree(row.getString("corrections"));
    }

    private static String date(ResultSet row, String column) throws SQLException {
        Date date = row.getDate(column);
        return date == null ? null : date.toLocalDate().toString();
    }

    private static String instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant().toString();
    }

    private static String trimmed(String value) {
        return value == null ? null : value.strip();
    }
}
