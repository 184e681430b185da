package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.command.Actor;
import org.agreementledger.ledger.command.AgreementCommand;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.CountryCode;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.LocalDate;
import java.util.List;

/** The commands of an agreement's lifecycle, from offer to expiry. */
public final class LifecycleCommands {

    private LifecycleCommands() {
    }

    public record OfferAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode offeringParty,
                                 List<CountryCode> otherParties, LocalDate offeredOn, AgreementTerms terms,
                                 String sourceReference) implements AgreementCommand {
        public OfferAgreement {
            otherParties = List.copyOf(otherParties);
        }

        @Override
        public Long expectedVersion() {
            return null;
        }

        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(offeringParty);
        }
    }

    public record AmendOffer(@TargetAggregateIdentifier AgreementId agreementId, CountryCode amendingParty,
                             LocalDate amendedOn, AgreementTerms terms, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(amendingParty);
        }
    }

    public record AcceptAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode acceptingParty,
                                  LocalDate acceptedOn, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(acceptingParty);
        }
    }

    public record RejectAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode rejectingParty,
                                  LocalDate rejectedOn, String reason, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(rejectingParty);
        }
    }

    public record WithdrawOffer(@TargetAggregateIdentifier AgreementId agreementId, CountryCode withdrawingParty,
                                LocalDate withdrawnOn, String reason, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(withdrawingParty);
        }
    }

    public record SuspendAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode suspendingParty,
                                   LocalDate suspendedOn, String reason, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(suspendingParty);
        }
    }

    public record ResumeAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode resumingParty,
                                  LocalDate resumedOn, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(resumingParty);
        }
    }

    public record TerminateAgreement(@TargetAggregateIdentifier AgreementId agreementId, CountryCode terminatingParty,
                                     LocalDate terminatedOn, String reason, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.inItsOwnName(terminatingParty);
        }
    }

    /** Sent by the ledger itself once an agreement's validity has ended; a no-op when it is not due. */
    public record ExpireAgreement(@TargetAggregateIdentifier AgreementId agreementId, LocalDate today)
            implements AgreementCommand {
        @Override
        public Long expectedVersion() {
            return null;
        }

        @Override
        public Actor actor() {
            return new Actor.Ledger();
        }
    }
}
