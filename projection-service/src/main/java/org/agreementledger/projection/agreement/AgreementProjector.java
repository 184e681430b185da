package org.agreementledger.projection.agreement;

import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Json;
import org.agreementledger.projection.consumer.Projector;
import org.agreementledger.projection.consumer.ViewWrites;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;

/**
 * Keeps {@code agreement_view}: each agreement's current terms, parties, acceptances and status. A change of status
 * also keeps, in {@code status_before_batch}, the status the agreement had before the batch's first change to it, for
 * the counts per country and status to take it back ({@code CountryStatusCounts} clears it in the same transaction).
 */
@Component
class AgreementProjector implements Projector {

    private static final ViewWrites.Insert OFFER = ViewWrites.Insert.into("agreement_view", "agreement_id",
            "offering_party", "parties::jsonb", "title", "offered_on", "status", "terms::jsonb", "source_reference",
            "version", "last_event_at");

    /** The start of a change of status: the right-hand sides of an UPDATE read the row as it was. */
    private static final String STATUS = "status_before_batch = coalesce(status_before_batch, status), status = ";

    @Override
    public void apply(AppliedEvent applied, ViewWrites writes) {
        AgreementEvent event = applied.event();
        String id = event.agreementId().value();
        if (event instanceof AgreementOffered offered) {
            writes.insert(OFFER, id, offered.offeringParty().value(), Json.write(offered.parties()), offered.terms().title(),
                    Date.valueOf(offered.offeredOn()), "OFFERED", Json.write(offered.terms()), offered.sourceReference(),
                    applied.envelope().sequence(), Timestamp.from(applied.envelope().time()));
            return;
        }
        if (event instanceof OfferAmended amended) {
            writes.overwrite("UPDATE agreement_view SET title = ?, terms = ?::jsonb, accepted_by = '[]' WHERE agreement_id = ?",
                    amended.terms().title(), Json.write(amended.terms()), id);
        } else if (event instanceof AgreementAccepted accepted) {
            writes.update("UPDATE agreement_view SET accepted_by = accepted_by || ?::jsonb WHERE agreement_id = ?",
                    Json.write(java.util.List.of(accepted.acceptingParty())), id);
        } else if (event instanceof AgreementEnteredIntoForce inForce) {
            writes.update("UPDATE agreement_view SET " + STATUS + "'IN_FORCE', in_force_on = ? WHERE agreement_id = ?",
                    Date.valueOf(inForce.inForceOn()), id);
        } else if (event instanceof AgreementRejected rejected) {
            end(writes, id, "REJECTED", rejected.rejectedOn());
        } else if (event instanceof OfferWithdrawn withdrawn) {
            end(writes, id, "WITHDRAWN", withdrawn.withdrawnOn());
        } else if (event instanceof AgreementSuspended) {
            writes.update("UPDATE agreement_view SET " + STATUS + "'SUSPENDED' WHERE agreement_id = ?", id);
        } else if (event instanceof AgreementResumed) {
            writes.update("UPDATE agreement_view SET " + STATUS + "'IN_FORCE' WHERE agreement_id = ?", id);
        } else if (event instanceof AgreementTerminated terminated) {
            end(writes, id, "TERMINATED", terminated.terminatedOn());
        } else if (event instanceof AgreementExpired expired) {
            end(writes, id, "EXPIRED", expired.expiredOn());
        }
        writes.updateLatest("UPDATE agreement_view SET version = ?, last_event_at = ? WHERE agreement_id = ?",
                applied.envelope().sequence(), Timestamp.from(applied.envelope().time()), id);
    }

    private static void end(ViewWrites writes, String agreementId, String status, LocalDate on) {
        writes.update("UPDATE agreement_view SET " + STATUS + "?, ended_on = ? WHERE agreement_id = ?",
                status, Date.valueOf(on), agreementId);
    }
}
