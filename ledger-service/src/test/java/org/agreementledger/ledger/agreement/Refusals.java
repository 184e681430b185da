package org.agreementledger.ledger.agreement;

import org.agreementledger.ledger.command.LedgerRuleViolation;

import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Matches the ledger's refusal of a command by its kind and problem type. */
public final class Refusals {

    private Refusals() {
    }

    public static Matcher<Throwable> refusal(LedgerRuleViolation.Kind kind, String problem) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Throwable item) {
                return item instanceof LedgerRuleViolation violation
                        && violation.kind() == kind && violation.problem().equals(problem);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a " + kind + " refusal of type " + problem);
            }

            @Override
            protected void describeMismatchSafely(Throwable item, Description mismatch) {
                if (item instanceof LedgerRuleViolation violation) {
                    mismatch.appendText("was " + violation.kind() + " " + violation.problem() + ": " + violation.getMessage());
                } else {
                    mismatch.appendText("was " + item);
                }
            }
        };
    }
}
