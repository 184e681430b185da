package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeAssessed;
import org.agreementledger.contract.FeeSchedule;
import org.agreementledger.contract.Money;
import org.agreementledger.ledger.command.LedgerRuleViolation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** What the fee schedules make payable, and which payments they admit. */
final class FeeRules {

    private FeeRules() {
    }

    /** Fees a completed transfer owes: per person or per transfer, to the schedule's payee when it received it. */
    static List<FeeAssessed> forCompletedTransfer(AgreementId agreementId, List<FeeSchedule> schedules,
                                                         TransferBook.Transfer transfer, LocalDate on) {
        List<FeeAssessed> assessments = new ArrayList<>();
        for (FeeSchedule schedule : schedulesPayableTo(schedules, transfer.toCountry())) {
            Money amount = switch (schedule.basis()) {
                case PER_PERSON, PER_PERSON_PER_MONTH, PER_PERSON_PER_YEAR -> schedule.amount().times(transfer.persons());
                case PER_TRANSFER -> schedule.amount();
                case LUMP_SUM -> null;
            };
            if (amount != null) {
                assessments.add(new FeeAssessed(agreementId, transfer.transferId(), schedule.payer(), schedule.payee(),
                        amount, schedule.basis(), transfer.persons(), on));
            }
        }
        return assessments;
    }

    /** When a completed transfer's count is corrected, per-person fees follow: the difference, which may be negative. */
    static List<FeeAssessed> forCorrection(AgreementId agreementId, List<FeeSchedule> schedules,
                                                  TransferBook.Transfer before, int personsAfter, LocalDate on) {
        List<FeeAssessed> assessments = new ArrayList<>();
        int difference = personsAfter - before.persons();
        if (difference == 0) {
            return assessments;
        }
        for (FeeSchedule schedule : schedulesPayableTo(schedules, before.toCountry())) {
            switch (schedule.basis()) {
                case PER_PERSON, PER_PERSON_PER_MONTH, PER_PERSON_PER_YEAR -> assessments.add(new FeeAssessed(
                        agreementId, before.transferId(), schedule.payer(), schedule.payee(),
                        schedule.amount().times(difference), schedule.basis(), difference, on));
                default -> {
                }
            }
        }
        return assessments;
    }

    /** Lump sums fall due when the agreement enters into force. */
    static List<FeeAssessed> forEntryIntoForce(AgreementId agreementId, List<FeeSchedule> schedules, LocalDate on) {
        return schedules.stream().filter(s -> s.basis() == FeeSchedule.Basis.LUMP_SUM)
                .map(s -> new FeeAssessed(agreementId, null, s.payer(), s.payee(), s.amount(), s.basis(), 0, on))
                .toList();
    }

    /**
     * A payment must go from a payer to a payee that a schedule names, in that schedule's currency, and be
     * positive. Paying more than is outstanding is allowed: the excess is a credit for later assessments.
     */
    /** An amount a party states is within the contract's bound (docs/events.md, "Bounds"); checked before any rule. */
    static void checkStatedAmount(Money amount, String field) {
        if (!amount.isWithinStatedBound()) {
            throw LedgerRuleViolation.malformed("amount-out-of-range", field, "An amount is below 10^"
                    + ContractLimits.MAX_STATED_AMOUNT_INTEGER_DIGITS + " " + amount.currency() + ".");
        }
    }

    static void checkPayment(List<FeeSchedule> schedules, CountryCode payer, CountryCode payee, Money amount) {
        if (!amount.isPositive()) {
            throw LedgerRuleViolation.rule("non-positive-amount", "amount", "A payment is a positive amount.");
        }
        List<FeeSchedule> between = schedules.stream()
                .filter(s -> s.payer().equals(payer) && s.payee().equals(payee)).toList();
        if (between.isEmpty()) {
            throw LedgerRuleViolation.rule("no-fee-schedule", "payee",
                    "No fee schedule of this agreement makes " + payer + " pay " + payee + ".");
        }
        if (between.stream().noneMatch(s -> s.amount().currency().equals(amount.currency()))) {
            throw LedgerRuleViolation.rule("currency-mismatch", "amount.currency",
                    "Fees from " + payer + " to " + payee + " are due in "
                            + between.stream().map(s -> s.amount().currency().value()).distinct().toList()
                            + ", not " + amount.currency() + ".");
        }
    }

    private static List<FeeSchedule> schedulesPayableTo(List<FeeSchedule> schedules, CountryCode receiver) {
        return schedules.stream().filter(s -> s.payee().equals(receiver)).toList();
    }
}
