package org.agreementledger.ledger.agreement;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.OfferAmended;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** An agreement between countries: the consistency boundary for its lifecycle rules. */
@Aggregate(snapshotTriggerDefinition = "agreementSnapshotTrigger")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class Agreement {

    static final int MAX_TITLE_LENGTH = 500;

    @AggregateIdentifier
    private AgreementId agreementId;
    private List<CountryCode> parties;
    private Status status;

    enum Status { OFFERED }

    protected Agreement() {
        // for Axon: rebuilt from events or a snapshot
    }

    @CommandHandler
    Agreement(OfferAgreement command) {
        if (command.otherParties().isEmpty()) {
            throw LedgerRuleViolation.rule("too-few-parties", "otherParties",
                    "An agreement needs at least one party besides the offering party.");
        }
        Set<CountryCode> distinct = new LinkedHashSet<>();
        distinct.add(command.offeringParty());
        for (CountryCode party : command.otherParties()) {
            if (!distinct.add(party)) {
                throw LedgerRuleViolation.rule("duplicate-party", "otherParties",
                        party + " is named more than once (the offering party is a party already).");
            }
        }
        requireTitle(command.title());
        apply(new AgreementOffered(command.agreementId(), command.offeringParty(),
                new ArrayList<>(distinct), command.title().strip(), command.offeredOn()));
    }

    @CommandHandler
    void handle(AmendOffer command) {
        if (!parties.contains(command.amendingParty())) {
            throw LedgerRuleViolation.rule("not-a-party", "amendingParty",
                    command.amendingParty() + " is not a party to agreement " + agreementId + ".");
        }
        requireTitle(command.title());
        apply(new OfferAmended(agreementId, command.amendingParty(), command.title().strip()));
    }

    private static void requireTitle(String title) {
        if (title == null || title.isBlank()) {
            throw LedgerRuleViolation.rule("missing-title", "title", "An agreement needs a title.");
        }
        if (title.strip().length() > MAX_TITLE_LENGTH) {
            throw LedgerRuleViolation.rule("title-too-long", "title",
                    "A title has at most " + MAX_TITLE_LENGTH + " characters.");
        }
    }

    @EventSourcingHandler
    void on(AgreementOffered event) {
        agreementId = event.agreementId();
        parties = event.parties();
        status = Status.OFFERED;
    }

    @EventSourcingHandler
    void on(OfferAmended event) {
        status = Status.OFFERED;
    }
}
