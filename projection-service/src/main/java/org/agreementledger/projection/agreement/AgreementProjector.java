package org.agreementledger.projection.agreement;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.LedgerJson;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.projection.consumer.AppliedEvent;
import org.agreementledger.projection.consumer.Projector;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;

/** Keeps {@code agreement_view}: each agreement's current terms and status. */
@Component
class AgreementProjector implements Projector {

    private final JdbcTemplate jdbc;

    AgreementProjector(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void apply(AppliedEvent applied) {
        Timestamp at = Timestamp.from(applied.envelope().time());
        long version = applied.envelope().sequence();
        if (applied.event() instanceof AgreementOffered offered) {
            jdbc.update("""
                    INSERT INTO agreement_view (agreement_id, offering_party, parties, title, offered_on, status,
                                                version, last_event_at)
                    VALUES (?, ?, ?::jsonb, ?, ?, 'OFFERED', ?, ?)""",
                    offered.agreementId().value(), offered.offeringParty().value(), json(offered.parties()),
                    offered.title(), offered.offeredOn(), version, at);
        } else if (applied.event() instanceof OfferAmended amended) {
            jdbc.update("""
                    UPDATE agreement_view SET title = ?, status = 'OFFERED', version = ?, last_event_at = ?
                    WHERE agreement_id = ?""", amended.title(), version, at, amended.agreementId().value());
        }
    }

    private static String json(Object value) {
        try {
            return LedgerJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
