package org.agreementledger.projection.fee;

import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.Money;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Projector;
import org.agreementledger.projection.consumer.ViewWrites;
import org.springframework.stereotype.Component;

/** Keeps {@code fee_balance}: assessed and paid per agreement, payer, payee and currency, as exact decimals. */
@Component
class FeeProjector implements Projector {

    @Override
    public void apply(AppliedEvent applied, ViewWrites writes) {
        if (applied.event() instanceof FeeAssessed assessed) {
            add(writes, assessed.agreementId().value(), assessed.payer().value(), assessed.payee().value(), assessed.amount(), "assessed");
        } else if (applied.event() instanceof FeePaymentRecorded paid) {
            add(writes, paid.agreementId().value(), paid.payer().value(), paid.payee().value(), paid.amount(), "paid");
        }
    }

    private static void add(ViewWrites writes, String agreementId, String payer, String payee, Money amount, String column) {
        writes.update("""
                INSERT INTO fee_balance (agreement_id, payer, payee, currency, %1$s) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (agreement_id, payer, payee, currency) DO UPDATE SET %1$s = fee_balance.%1$s + EXCLUDED.%1$s"""
                .formatted(column), agreementId, payer, payee, amount.currency().value(), amount.amount());
    }
}
