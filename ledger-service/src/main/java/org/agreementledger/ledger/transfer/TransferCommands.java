package org.agreementledger.ledger.transfer;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Headcount;
import org.agreementledger.contract.TransferId;
import org.agreementledger.ledger.command.Actor;
import org.agreementledger.ledger.command.AgreementCommand;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.LocalDate;
import java.util.List;

/** The commands on transfers of people under an agreement. */
public final class TransferCommands {

    private TransferCommands() {
    }

    public record RecordTransfer(@TargetAggregateIdentifier AgreementId agreementId, TransferId transferId,
                                 CountryCode fromCountry, CountryCode toCountry, LocalDate transferDate,
                                 List<Headcount> headcounts, String reference, Long expectedVersion)
            implements AgreementCommand {
        public RecordTransfer {
            headcounts = List.copyOf(headcounts);
        }

        @Override
        public Actor actor() {
            return Actor.Party.sender(fromCountry);
        }
    }

    public record CompleteTransfer(@TargetAggregateIdentifier AgreementId agreementId, TransferId transferId,
                                   LocalDate completedOn, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return new Actor.SenderOf(transferId);
        }
    }

    public record CancelTransfer(@TargetAggregateIdentifier AgreementId agreementId, TransferId transferId,
                                 LocalDate cancelledOn, String reason, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return new Actor.SenderOf(transferId);
        }
    }

    public record CorrectTransfer(@TargetAggregateIdentifier AgreementId agreementId, TransferId transferId,
                                  LocalDate correctedOn, List<Headcount> headcounts, String reason,
                                  Long expectedVersion) implements AgreementCommand {
        public CorrectTransfer {
            headcounts = List.copyOf(headcounts);
        }

        @Override
        public Actor actor() {
            return new Actor.SenderOf(transferId);
        }
    }
}
