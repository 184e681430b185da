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
import java.util.List;
import java.util.Map;

/** Keeps {@code transfer_view}: every transfer with its current counts and, visibly, the corrections that set them. */
@Component
class TransferProjector implements Projector {

    @Override
    public void apply(AppliedEvent applied, ViewWrites writes) {
        if (applied.event() instanceof TransferRecorded recorded) {
            writes.update("""
                    INSERT INTO transfer_view (transfer_id, agreement_id, from_country, to_country, transfer_date, status,
                                               persons, headcounts, reference, recorded_sequence, original_persons,
                                               original_headcounts)
                    VALUES (?, ?, ?, ?, ?, 'RECORDED', ?, ?::jsonb, ?, ?, ?, ?::jsonb)""",
                    recorded.transferId().value(), recorded.agreementId().value(), recorded.fromCountry().value(),
                    recorded.toCountry().value(), Date.valueOf(recorded.transferDate()), recorded.persons(),
                    Json.write(recorded.headcounts()), recorded.reference(), applied.envelope().sequence(),
                    recorded.persons(), Json.write(recorded.headcounts()));
        } else if (applied.event() instanceof TransferCompleted completed) {
            writes.update("UPDATE transfer_view SET status = 'COMPLETED', completed_on = ? WHERE agreement_id = ? AND transfer_id = ?",
                    Date.valueOf(completed.completedOn()), completed.agreementId().value(), completed.transferId().value());
        } else if (applied.event() instanceof TransferCancelled cancelled) {
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
