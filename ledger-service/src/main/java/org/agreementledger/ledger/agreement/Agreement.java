package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.axon.RequestCorrelationDataProvider;
import org.agreementledger.ledger.command.Actor;
import org.agreementledger.ledger.command.LedgerRuleViolation;
import org.agreementledger.ledger.command.AgreementCommand;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.agreementledger.contract.AgreementAccepted;
import org.agreementledger.contract.AgreementEnteredIntoForce;
import org.agreementledger.contract.AgreementEvent;
import org.agreementledger.contract.AgreementExpired;
import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementOffered;
import org.agreementledger.contract.AgreementRejected;
import org.agreementledger.contract.AgreementResumed;
import org.agreementledger.contract.AgreementSuspended;
import org.agreementledger.contract.AgreementTerminated;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeePaymentRecorded;
import org.agreementledger.contract.OfferAmended;
import org.agreementledger.contract.OfferWithdrawn;
import org.agreementledger.contract.TransferCancelled;
import org.agreementledger.contract.TransferCompleted;
import org.agreementledger.contract.TransferCorrected;
import org.agreementledger.contract.TransferRecorded;
import org.agreementledger.ledger.agreement.LifecycleCommands.AcceptAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.AmendOffer;
import org.agreementledger.ledger.agreement.LifecycleCommands.ExpireAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.OfferAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.RejectAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.ResumeAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.SuspendAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.TerminateAgreement;
import org.agreementledger.ledger.agreement.LifecycleCommands.WithdrawOffer;
import org.agreementledger.ledger.fee.FeeCommands.RecordFeePayment;
import org.agreementledger.ledger.transfer.TransferCommands.CancelTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CompleteTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.CorrectTransfer;
import org.agreementledger.ledger.transfer.TransferCommands.RecordTransfer;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.CommandHandlerInterceptor;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.AggregateMember;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An agreement between countries, with its transfers and fees: the consistency boundary of every rule,
 * and one ordered history per agreement.
 */
@Aggregate(repository = "agreementRepository")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
class Agreement {

    enum Status { OFFERED, IN_FORCE, SUSPENDED, REJECTED, WITHDRAWN, TERMINATED, EXPIRED }

    @AggregateIdentifier
    private AgreementId agreementId;
    private CountryCode offeringParty;
    private List<CountryCode> parties;
    private AgreementTerms terms;
    private Status status;
    private Set<CountryCode> awaitingAcceptance;
    private boolean everInForce;
    private TransferBook transfers;
    private Set<String> paymentIds;
    @AggregateMember
    private ChainHead chain = new ChainHead();

    protected Agreement() {
        // rebuilt by Axon from events or a snapshot
    }

    @CommandHandler
    Agreement(OfferAgreement command, @MetaDataValue(RequestCorrelationDataProvider.COUNTRY) String actingCountry) {
        if (actingCountry != null && !actingCountry.equals(command.offeringParty().value())) {
            throw LedgerRuleViolation.forbidden("acting-for-another-country", "offeringParty",
                    actingCountry + " cannot make an offer in the name of " + command.offeringParty() + ".");
        }
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
        List<CountryCode> allParties = new ArrayList<>(distinct);
        TermsRules.check(allParties, command.terms());
        record(new AgreementOffered(command.agreementId(), command.offeringParty(), allParties, command.offeredOn(),
                normalised(command.terms()), command.sourceReference()));
    }

    /**
     * A country acts only for itself and only on agreements it is a party to; a transfer is handled by the country
     * that sends it, a fee payment by the payer. Commands without an acting country are the ledger's own (expiry).
     */
    @CommandHandlerInterceptor
    void onlyPartiesActAndOnlyForThemselves(AgreementCommand command,
                                            @MetaDataValue(RequestCorrelationDataProvider.COUNTRY) String actingCountry) {
        if (actingCountry == null) {
            return;
        }
        CountryCode caller = CountryCode.of(actingCountry);
        if (!parties.contains(caller)) {
            throw LedgerRuleViolation.forbidden("not-a-party", null,
                    caller + " is not a party to agreement " + agreementId + " and cannot act on it.");
        }
        Actor actor = command.actor();
        CountryCode actingFor;
        String rule;
        if (actor instanceof Actor.Party party) {
            actingFor = party.country();
            rule = party.rule();
        } else if (actor instanceof Actor.SenderOf sent) {
            actingFor = senderOf(sent.transferId());
            rule = Actor.SENDS_ITS_TRANSFERS;
        } else {
            throw LedgerRuleViolation.forbidden("ledger-only", null, "Only the ledger itself sends this command.");
        }
        if (actingFor != null && !actingFor.equals(caller)) {
            throw LedgerRuleViolation.forbidden("acting-for-another-country", null,
                    caller + " cannot act for " + actingFor + ": " + rule + ".");
        }
    }

    private CountryCode senderOf(org.agreementledger.contract.TransferId transferId) {
        return transfers.find(transferId).map(TransferBook.Transfer::fromCountry).orElse(null);
    }

    @CommandHandler
    long handle(AmendOffer command) {
        checkVersion(command);
        requireParty(command.amendingParty(), "party");
        requireStatus("amend", Status.OFFERED);
        TermsRules.check(parties, command.terms());
        record(new OfferAmended(agreementId, command.amendingParty(), command.amendedOn(), normalised(command.terms())));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(AcceptAgreement command) {
        checkVersion(command);
        requireParty(command.acceptingParty(), "party");
        requireStatus("accept", Status.OFFERED);
        if (!awaitingAcceptance.contains(command.acceptingParty())) {
            throw LedgerRuleViolation.conflict("already-accepted", command.acceptingParty()
                    + " has already accepted, or proposed, the current terms of agreement " + agreementId + ".");
        }
        record(new AgreementAccepted(agreementId, command.acceptingParty(), command.acceptedOn()));
        if (awaitingAcceptance.isEmpty()) {
            LocalDate inForceOn = command.acceptedOn().isBefore(terms.validity().from())
                    ? terms.validity().from() : command.acceptedOn();
            record(new AgreementEnteredIntoForce(agreementId, inForceOn));
            FeeRules.forEntryIntoForce(agreementId, terms.feeSchedules(), inForceOn)
                    .forEach(this::record);
        }
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(RejectAgreement command) {
        checkVersion(command);
        requireParty(command.rejectingParty(), "party");
        requireStatus("reject", Status.OFFERED);
        if (!awaitingAcceptance.contains(command.rejectingParty())) {
            throw LedgerRuleViolation.rule("cannot-reject-own-terms", "party", command.rejectingParty()
                    + " proposed or accepted the current terms; it may amend the offer instead.");
        }
        record(new AgreementRejected(agreementId, command.rejectingParty(), command.rejectedOn(), command.reason()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(WithdrawOffer command) {
        checkVersion(command);
        requireParty(command.withdrawingParty(), "party");
        if (!command.withdrawingParty().equals(offeringParty)) {
            throw LedgerRuleViolation.rule("only-offering-party", "party",
                    "Only " + offeringParty + ", which made the offer, may withdraw it.");
        }
        requireStatus("withdraw", Status.OFFERED);
        record(new OfferWithdrawn(agreementId, command.withdrawingParty(), command.withdrawnOn(), command.reason()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(SuspendAgreement command, Clock clock) {
        checkVersion(command);
        requireParty(command.suspendingParty(), "party");
        requireInForce("suspend", clock);
        record(new AgreementSuspended(agreementId, command.suspendingParty(), command.suspendedOn(), command.reason()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(ResumeAgreement command, Clock clock) {
        checkVersion(command);
        requireParty(command.resumingParty(), "party");
        requireNotLapsed("resume", clock);
        requireStatus("resume", Status.SUSPENDED);
        record(new AgreementResumed(agreementId, command.resumingParty(), command.resumedOn()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(TerminateAgreement command) {
        checkVersion(command);
        requireParty(command.terminatingParty(), "party");
        requireStatus("terminate", Status.IN_FORCE, Status.SUSPENDED);
        record(new AgreementTerminated(agreementId, command.terminatingParty(), command.terminatedOn(), command.reason()));
        return chain.lastSequence();
    }

    @CommandHandler
    void handle(ExpireAgreement command) {
        LocalDate until = terms.validity().until();
        boolean due = until != null && command.today().isAfter(until);
        if (due && EnumSet.of(Status.IN_FORCE, Status.SUSPENDED).contains(status)) {
            record(new AgreementExpired(agreementId, until));
        }
    }

    @CommandHandler
    long handle(RecordTransfer command, Clock clock) {
        // rules 0a and 0b are the interceptor's; 1 to 7 here, 8 to 13 in TransferRules (docs/architecture.md)
        checkVersion(command);
        requireParty(command.fromCountry(), "fromCountry");
        requireParty(command.toCountry(), "toCountry");
        if (command.fromCountry().equals(command.toCountry())) {
            throw LedgerRuleViolation.rule("same-country", "toCountry", "A transfer goes from one party to another.");
        }
        requireInForce("record a transfer under", clock);
        if (!terms.validity().contains(command.transferDate())) {
            throw LedgerRuleViolation.rule("outside-validity", "transferDate", "The agreement is valid "
                    + terms.validity().from() + " to " + (terms.validity().until() == null ? "open end" : terms.validity().until())
                    + "; a transfer on " + command.transferDate() + " is outside it.");
        }
        TransferRules.checkNewTransfer(transfers, command.transferId(), command.fromCountry(), command.toCountry(),
                command.transferDate(), command.headcounts(), acceptCommitmentsOf(command.toCountry()));
        record(new TransferRecorded(agreementId, command.transferId(), command.fromCountry(), command.toCountry(),
                command.transferDate(), command.headcounts(), command.reference()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(CompleteTransfer command) {
        checkVersion(command);
        TransferBook.Transfer transfer = transfer(command.transferId());
        if (transfer.status() != TransferBook.Status.RECORDED) {
            throw LedgerRuleViolation.conflict("illegal-transition", "Transfer " + command.transferId()
                    + " is " + transfer.status() + "; only a recorded transfer can be completed.");
        }
        record(new TransferCompleted(agreementId, command.transferId(), command.completedOn()));
        FeeRules.forCompletedTransfer(agreementId, terms.feeSchedules(), transfer, command.completedOn())
                .forEach(this::record);
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(CancelTransfer command) {
        checkVersion(command);
        TransferBook.Transfer transfer = transfer(command.transferId());
        if (transfer.status() != TransferBook.Status.RECORDED) {
            throw LedgerRuleViolation.conflict("illegal-transition", "Transfer " + command.transferId()
                    + " is " + transfer.status() + "; only a recorded transfer can be cancelled.");
        }
        record(new TransferCancelled(agreementId, command.transferId(), command.cancelledOn(), command.reason()));
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(CorrectTransfer command, RecordedHeadcounts recorded) {
        checkVersion(command);
        TransferBook.Transfer transfer = transfer(command.transferId());
        TransferRules.checkCorrection(transfers, transfer, command.headcounts(), acceptCommitmentsOf(transfer.toCountry()),
                () -> recorded.of(agreementId, transfer.countsSequence()));
        TransferCorrected corrected = new TransferCorrected(agreementId, command.transferId(), transfer.countsSequence(),
                command.correctedOn(), command.headcounts(), command.reason());
        record(corrected);
        if (transfer.status() == TransferBook.Status.COMPLETED) {
            FeeRules.forCorrection(agreementId, terms.feeSchedules(), transfer, corrected.persons(), command.correctedOn())
                    .forEach(this::record);
        }
        return chain.lastSequence();
    }

    @CommandHandler
    long handle(RecordFeePayment command) {
        FeeRules.checkStatedAmount(command.amount(), "amount.amount");
        checkVersion(command);
        requireParty(command.payer(), "payer");
        requireParty(command.payee(), "payee");
        if (!everInForce) {
            throw LedgerRuleViolation.conflict("illegal-transition",
                    "Agreement " + agreementId + " has never been in force; no fee can be due under it.");
        }
        if (paymentIds.contains(command.paymentId().value())) {
            throw LedgerRuleViolation.conflict("duplicate-payment", "Payment " + command.paymentId() + " is recorded already.");
        }
        FeeRules.checkPayment(terms.feeSchedules(), command.payer(), command.payee(), command.amount());
        record(new FeePaymentRecorded(agreementId, command.paymentId(), command.payer(), command.payee(),
                command.amount(), command.paidOn(), command.reference()));
        return chain.lastSequence();
    }

    /** Every event goes out sealed into the agreement's hash chain; command handlers answer the version they produced. */
    private void record(AgreementEvent event) {
        AggregateLifecycle.apply(event, chain.seal(event));
    }

    private void checkVersion(AgreementCommand command) {
        Long version = AggregateLifecycle.getVersion();
        if (command.expectedVersion() != null && version != null && !command.expectedVersion().equals(version)) {
            throw LedgerRuleViolation.staleVersion(command.expectedVersion(), version);
        }
    }

    private void requireParty(CountryCode country, String field) {
        if (!parties.contains(country)) {
            throw LedgerRuleViolation.rule("not-a-party", field,
                    country + " is not a party to agreement " + agreementId + ".");
        }
    }

    private void requireStatus(String action, Status... allowed) {
        if (!EnumSet.of(allowed[0], allowed).contains(status)) {
            throw LedgerRuleViolation.conflict("illegal-transition",
                    "Cannot " + action + " agreement " + agreementId + ": it is " + status + ".");
        }
    }

    /** In force and, by the calendar, not past its validity, whether or not the expiry is recorded yet. */
    private void requireInForce(String action, Clock clock) {
        requireNotLapsed(action, clock);
        requireStatus(action, Status.IN_FORCE);
    }

    private void requireNotLapsed(String action, Clock clock) {
        LocalDate until = terms.validity().until();
        boolean lapsed = status == Status.EXPIRED
                || until != null && LocalDate.now(clock).isAfter(until) && status != Status.TERMINATED;
        if (lapsed) {
            throw LedgerRuleViolation.conflict("agreement-expired",
                    "Cannot " + action + " agreement " + agreementId + ": its validity ended on " + until + ".");
        }
    }

    private TransferBook.Transfer transfer(org.agreementledger.contract.TransferId transferId) {
        return transfers.find(transferId).orElseThrow(() -> LedgerRuleViolation.notFound("unknown-transfer",
                "transferId", "No transfer " + transferId + " is recorded under agreement " + agreementId + "."));
    }

    private List<Commitment.AcceptPeople> acceptCommitmentsOf(CountryCode party) {
        return terms.commitments().stream()
                .filter(c -> c instanceof Commitment.AcceptPeople && c.party().equals(party))
                .map(Commitment.AcceptPeople.class::cast).toList();
    }

    private static AgreementTerms normalised(AgreementTerms terms) {
        return new AgreementTerms(terms.title().strip(), terms.commitments(), terms.feeSchedules(), terms.validity());
    }

    @EventSourcingHandler
    void on(AgreementOffered event) {
        agreementId = event.agreementId();
        offeringParty = event.offeringParty();
        parties = event.parties();
        terms = event.terms();
        status = Status.OFFERED;
        awaitingAcceptance = new HashSet<>(event.parties());
        awaitingAcceptance.remove(event.offeringParty());
        transfers = new TransferBook();
        paymentIds = new HashSet<>();
    }

    @EventSourcingHandler
    void on(OfferAmended event) {
        terms = event.terms();
        awaitingAcceptance = new HashSet<>(parties);
        awaitingAcceptance.remove(event.amendingParty());
    }

    @EventSourcingHandler
    void on(AgreementAccepted event) {
        awaitingAcceptance.remove(event.acceptingParty());
    }

    @EventSourcingHandler
    void on(AgreementEnteredIntoForce event) {
        status = Status.IN_FORCE;
        everInForce = true;
    }

    @EventSourcingHandler
    void on(AgreementRejected event) {
        status = Status.REJECTED;
    }

    @EventSourcingHandler
    void on(OfferWithdrawn event) {
        status = Status.WITHDRAWN;
    }

    @EventSourcingHandler
    void on(AgreementSuspended event) {
        status = Status.SUSPENDED;
    }

    @EventSourcingHandler
    void on(AgreementResumed event) {
        status = Status.IN_FORCE;
    }

    @EventSourcingHandler
    void on(AgreementTerminated event) {
        status = Status.TERMINATED;
    }

    @EventSourcingHandler
    void on(AgreementExpired event) {
        status = Status.EXPIRED;
    }

    @EventSourcingHandler
    void on(TransferRecorded event, @SequenceNumber long sequence) {
        transfers.recorded(event, sequence, acceptCommitmentsOf(event.toCountry()));
    }

    @EventSourcingHandler
    void on(TransferCompleted event) {
        transfers.completed(event.transferId());
    }

    @EventSourcingHandler
    void on(TransferCancelled event) {
        transfers.cancelled(event.transferId(), this::acceptCommitmentsOf);
    }

    @EventSourcingHandler
    void on(TransferCorrected event, @SequenceNumber long sequence) {
        transfers.corrected(event, sequence, this::acceptCommitmentsOf);
    }

    @EventSourcingHandler
    void on(FeePaymentRecorded event) {
        paymentIds.add(event.paymentId().value());
    }
}
