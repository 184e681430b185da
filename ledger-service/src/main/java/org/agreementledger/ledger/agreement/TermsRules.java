package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.command.LedgerRuleViolation;

import org.agreementledger.contract.AgreementTerms;
import org.agreementledger.contract.Commitment;
import org.agreementledger.contract.ContractLimits;
import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.FeeSchedule;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What makes terms coherent: everyone they bind or benefit is a party. Clauses are not judged for wisdom. */
final class TermsRules {

    private TermsRules() {
    }

    static void check(List<CountryCode> parties, AgreementTerms terms) {
        String title = terms.title();
        if (title == null || title.isBlank()) {
            throw LedgerRuleViolation.rule("missing-title", "title", "An agreement needs a title.");
        }
        if (title.strip().length() > ContractLimits.MAX_TITLE_LENGTH) {
            throw LedgerRuleViolation.rule("title-too-long", "title",
                    "A title has at most " + ContractLimits.MAX_TITLE_LENGTH + " characters.");
        }
        for (int i = 0; i < terms.commitments().size(); i++) {
            Commitment commitment = terms.commitments().get(i);
            String field = "commitments[" + i + "]";
            requireParty(parties, commitment.party(), field + ".party");
            if (commitment instanceof Commitment.AcceptPeople accept) {
                for (CountryCode sender : accept.fromParties()) {
                    requireParty(parties, sender, field + ".fromParties");
                }
                requireDistinct(accept.fromParties(), "duplicate-party", field + ".fromParties");
                requireDistinct(accept.nationalities().nationalities(), "duplicate-nationality",
                        field + ".nationalities.nationalities");
            } else if (commitment instanceof Commitment.PayCosts pay && pay.payee() != null) {
                requireParty(parties, pay.payee(), field + ".payee");
            } else if (commitment instanceof Commitment.ProvideAssistance assist && assist.beneficiary() != null) {
                requireParty(parties, assist.beneficiary(), field + ".beneficiary");
            }
        }
        for (int i = 0; i < terms.feeSchedules().size(); i++) {
            FeeSchedule fee = terms.feeSchedules().get(i);
            String field = "feeSchedules[" + i + "]";
            requireParty(parties, fee.payer(), field + ".payer");
            requireParty(parties, fee.payee(), field + ".payee");
            if (fee.payer().equals(fee.payee())) {
                throw LedgerRuleViolation.rule("fee-to-self", field + ".payee", "A party cannot owe a fee to itself.");
            }
            if (!fee.amount().isPositive()) {
                throw LedgerRuleViolation.rule("non-positive-amount", field + ".amount", "A fee is a positive amount.");
            }
            FeeRules.checkStatedAmount(fee.amount(), field + ".amount.amount");
        }
    }

    /** A list that means a set names each country once: the second naming would say nothing, or something else. */
    private static void requireDistinct(List<CountryCode> countries, String problem, String field) {
        Set<CountryCode> seen = new HashSet<>();
        for (CountryCode country : countries) {
            if (!seen.add(country)) {
                throw LedgerRuleViolation.rule(problem, field, country + " is named more than once.");
            }
        }
    }

    private static void requireParty(List<CountryCode> parties, CountryCode country, String field) {
        if (!parties.contains(country)) {
            throw LedgerRuleViolation.rule("not-a-party", field, country + " is not a party to this agreement.");
        }
    }
}
