package org.agreementledger.projection.fee;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOfViews;
import org.agreementledger.projection.asof.PointInLog;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Fees", description = "Fee balances per payer, payee and currency, exact to the minor unit")
class FeeQueries {

    /** Amounts as {@link FeeAmounts} states them. */
    record FeeBalance(String agreementId, String payer, String payee, String currency,
                      String assessed, String paid, String outstanding) {
    }

    private final JdbcTemplate jdbc;
    private final ReadAccess access;

    private final AsOfViews asOfViews;

    FeeQueries(JdbcTemplate jdbc, ReadAccess access, AsOfViews asOfViews) {
        this.jdbc = jdbc;
        this.access = access;
        this.asOfViews = asOfViews;
    }

    @GetMapping("/agreements/{agreementId}/fees")
    @Operation(summary = "Fees assessed, paid and outstanding under an agreement, per payer, payee and currency")
    List<FeeBalance> feesOf(@PathVariable String agreementId, PointInLog pointInLog) {
        access.check(agreementId);
        return asOfViews.answer(pointInLog, () -> balances(agreementId));
    }

    private List<FeeBalance> balances(String agreementId) {
        return jdbc.query("SELECT * FROM fee_balance WHERE agreement_id = ? ORDER BY payer, payee, currency",
                (rs, row) -> {
                    FeeAmounts amounts = FeeAmounts.of(rs.getString("currency"), rs.getBigDecimal("assessed"),
                            rs.getBigDecimal("paid"));
                    return new FeeBalance(rs.getString("agreement_id"), rs.getString("payer"), rs.getString("payee"),
                            rs.getString("currency"), amounts.assessed(), amounts.paid(), amounts.outstanding());
                }, agreementId);
    }
}
