package org.agreementledger.ledger.fee;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.Money;
import org.agreementledger.contract.PaymentId;
import org.agreementledger.ledger.command.Actor;
import org.agreementledger.ledger.command.AgreementCommand;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.LocalDate;

public final class FeeCommands {

    private FeeCommands() {
    }

    public record RecordFeePayment(@TargetAggregateIdentifier AgreementId agreementId, PaymentId paymentId,
                                   CountryCode payer, CountryCode payee, Money amount, LocalDate paidOn,
                                   String reference, Long expectedVersion) implements AgreementCommand {
        @Override
        public Actor actor() {
            return Actor.Party.payer(payer);
        }
    }
}
