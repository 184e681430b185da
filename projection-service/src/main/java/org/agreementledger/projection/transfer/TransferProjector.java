package org.agreementledger.projection.transfer;

import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.consumer.Projector;
import org.agreementledger.projection.consumer.ViewWrites;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Keeps {@code transfer_view}: every transfer with its current counts and, visibly, the corrections that set them;
 * and {@code transfer_month}: the transfers to each country per month that are not cancelled.
 */
@Component
class TransferProjector implements Projector {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu-MM");
    private static final ViewWrites.Insert TRANSFER = ViewWrites.Insert.into("transfer_view", "status", "transfer_id",
            "agreement_id", "from_country", "to_country", "transfer_date", "persons", "headcounts::jsonb", "reference",
            "recorded_sequence", "original_persons", "original_headcounts::jsonb");

    @Override
    public void apply(AppliedEvent applied, ViewWrites writes) {
        if (applied.event() instanceof TransferRecorded recorded) {
            writes.insert(TRANSFER, "RECORDED", recorded.transferId().value(), recorded.agreementId().value(), recorded.fromCountry().value(),
                    recorded.toCountry().value(), Date.valueOf(recorded.transferDate()), recorded.persons(),
                    Json.write(recorded.headcounts()), recorded.reference(), applied.envelope().sequence(),
                    recorded.persons(), Json.write(recorded.headcounts()));
            writes.update("""
                    INSERT INTO transfer_month (agreement_id, to_country, month, transfers) VALUES (?, ?, ?, 1)
                    ON CONFLICT (agreement_id, to_country, month) DO UPDATE SET transfers = transfer_month.transfers + 1""",
                    recorded.agreementId().value(), recorded.toCountry().value(), MONTH.format(recorded.transferDate()));
        } else if (applied.event() instanceof TransferCompleted completed) {
            writes.update("UPDATE transfer_view SET status = 'COMPLETED', completed_on = ? WHERE agreement_id = ? AND transfer_id = ?",
                    Date.valueOf(completed.completedOn()), completed.agreementId().value(), completed.transferId().value());
        } else if (applied.event() instanceof TransferCancelled cancelled) {
            // before the status changes: a cancellation the ledger repeated must not count twice
            writes.update("""
                    UPDATE transfer_month m SET transfers = m.transfers - 1 FROM transfer_view t
                    WHERE t.agreement_id = ? AND t.transfer_id = ? AND t.status <> 'CANCELLED'
                      AND m.agreement_id = t.agreement_id AND m.to_country = t.to_country
                      AND m.month = to_char(t.transfer_date, 'YYYY-MM')""",
                    cancelled.agreementId().value(), cancelled.transferId().value());
            writes.update("UPDATE transfer_view SET status = 'CANCELLED', cancelled_on = ? WHERE agreement_id = ? AND transfer_id = ?",
                    Date.valueOf(cancelled.cancelledOn()), cancelled.agreementId().value(), cancelled.transferId().value());
        } else if (applied.event() instanceof TransferCorrected corrected) {
            Map<String, Object> correction = Map.of("sequence", applied.envelope().sequence(),
                    "correctsSequence", corrected.correctsSequence(), "correctedOn", corrected.correctedOn().toString(),
                    "reason", corrected.reason() == null ? "" : corrected.reason(), "headcounts", corrected.headcounts());
            writes.update("""
                    UPDATE transfer_view SET persons = ?, headcounts = ?::jsonb, corrections = corrections || ?::jsonb
                    WHERE agreement_id = ? AND transfer_id = ?""",
                    corrected.persons(), Json.write(corrected.headcounts()), Json.write(List.of(correction)),
                    corrected.agreementId().value(), corrected.transferId().value());
        }
    }
}
