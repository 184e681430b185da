package org.agreementledger.projection.fee;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.agreementledger.contract.CurrencyCode;
import io.swagger.v3.oas.annotations.Parameter;
import org.agreementledger.projection.access.ReadAccess;
import org.agreementledger.projection.asof.AsOf;
import org.agreementledger.projection.asof.AsOfViews;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Fees", description = "Fee balances per payer, payee and currency, exact to the minor unit")
class FeeQueries {

    /** Amounts are decimal strings at the currency's minor unit; outstanding below zero is the payer's credit. */
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
    List<FeeBalance> feesOf(@PathVariable String agreementId,
            @Parameter(description = "Answer as of this instant (ISO-8601): replays the topic up to it") @RequestParam(required = false) String asOf,
            @Parameter(description = "Answer as of this log position: partition:offset pairs, e.g. 0:120,3:98") @RequestParam(required = false) String position) {
        access.check(agreementId);
        Optional<AsOf> pointInLog = AsOf.parse(asOf, position);
        if (pointInLog.isPresent()) {
            return asOfViews.query(pointInLog.get(), () -> balances(agreementId));
        }
        return balances(agreementId);
    }

    private List<FeeBalance> balances(String agreementId) {
        return jdbc.query("SELECT * FROM fee_balance WHERE agreement_id = ? ORDER BY payer, payee, currency",
                (rs, row) -> {
                    int digits = CurrencyCode.of(rs.getString("currency").trim()).minorUnitDigits();
                    BigDecimal assessed = rs.getBigDecimal("assessed").setScale(digits);
                    BigDecimal paid = rs.getBigDecimal("paid").setScale(digits);
                    return new FeeBalance(rs.getString("agreement_id"), rs.getString("payer"), rs.getString("payee"),
                            rs.getString("currency"), assessed.toPlainString(), paid.toPlainString(),
                            assessed.subtract(paid).toPlainString());
                }, agreementId);
    }
}
