package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.ledger.agreement.LifecycleCommands.ExpireAgreement;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/**
 * Records the end of an agreement's validity as its own event. It keeps, moments after the events (a tracking
 * processor with its own transaction and token), which agreements with an end are in force until when, and regularly
 * asks each one that is past its end to expire. The aggregate refuses transfers after the end whether or not the
 * expiry is recorded yet.
 */
@Component
@ProcessingGroup(ExpiryWatch.PROCESSING_GROUP)
class ExpiryWatch {

    static final String PROCESSING_GROUP = "expiry-watch";
    private static final Logger log = LoggerFactory.getLogger(ExpiryWatch.class);

    private final JdbcTemplate jdbc;
    private final CommandGateway commands;
    private final Clock clock;

    ExpiryWatch(JdbcTemplate jdbc, CommandGateway commands, Clock clock) {
        this.jdbc = jdbc;
        this.commands = commands;
        this.clock = clock;
    }

    @EventHandler
    void on(AgreementOffered event) {
        LocalDate until = event.terms().validity().until();
        // an agreement without an end never expires: nothing to watch, no row (most offers, and a statement each)
        if (until != null) {
            jdbc.update("INSERT INTO agreement_validity (agreement_id, valid_until) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    event.agreementId().value(), date(until));
        }
    }

    /** Only an offer is amended, so a row made here is not in force yet, as the offer's own would be. */
    @EventHandler
    void on(OfferAmended event) {
        LocalDate until = event.terms().validity().until();
        if (until == null) {
            jdbc.update("UPDATE agreement_validity SET valid_until = NULL WHERE agreement_id = ?", event.agreementId().value());
        } else {
            jdbc.update("INSERT INTO agreement_validity (agreement_id, valid_until) VALUES (?, ?) "
                    + "ON CONFLICT (agreement_id) DO UPDATE SET valid_until = EXCLUDED.valid_until",
                    event.agreementId().value(), date(until));
        }
    }

    @EventHandler
    void on(AgreementEnteredIntoForce event) {
        setActive(event.agreementId(), true);
    }

    @EventHandler
    void on(AgreementRejected event) {
        setActive(event.agreementId(), false);
    }

    @EventHandler
    void on(OfferWithdrawn event) {
        setActive(event.agreementId(), false);
    }

    @EventHandler
    void on(AgreementTerminated event) {
        setActive(event.agreementId(), false);
    }

    @EventHandler
    void on(AgreementExpired event) {
        setActive(event.agreementId(), false);
    }

    @Scheduled(fixedDelayString = "${ledger.expiry.check-interval:60s}", initialDelayString = "${ledger.expiry.initial-delay:10s}")
    void expireDueAgreements() {
        LocalDate today = LocalDate.now(clock);
        List<String> due = jdbc.queryForList(
                "SELECT agreement_id FROM agreement_validity WHERE active AND valid_until < ?", String.class, date(today));
        for (String agreementId : due) {
            try {
                commands.sendAndWait(new ExpireAgreement(AgreementId.of(agreementId), today));
            } catch (RuntimeException e) {
                log.warn("Could not record the expiry of agreement {}; will retry: {}", agreementId, e.getMessage());
            }
        }
    }

    private void setActive(AgreementId agreementId, boolean active) {
        jdbc.update("UPDATE agreement_validity SET active = ? WHERE agreement_id = ?", active, agreementId.value());
    }

    private static Date date(LocalDate date) {
        return date == null ? null : Date.valueOf(date);
    }
}
