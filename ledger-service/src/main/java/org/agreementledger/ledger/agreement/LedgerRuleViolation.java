package org.agreementledger.ledger.agreement;

/**
 * A command broke a rule of the ledger. {@code problem} is the stable slug of the rule's problem type
 * (its URI is {@code <problem base>/<problem>}); {@code field} names the part of the request at fault.
 */
public class LedgerRuleViolation extends RuntimeException {

    private final String problem;
    private final String field;
    private final Kind kind;

    /** Whether the rule concerns the request's content (422) or the agreement's current state (409). */
    public enum Kind { RULE_BROKEN, STATE_CONFLICT }

    public LedgerRuleViolation(Kind kind, String problem, String field, String message) {
        super(message);
        this.kind = kind;
        this.problem = problem;
        this.field = field;
    }

    public static LedgerRuleViolation rule(String problem, String field, String message) {
        return new LedgerRuleViolation(Kind.RULE_BROKEN, problem, field, message);
    }

    public static LedgerRuleViolation conflict(String problem, String message) {
        return new LedgerRuleViolation(Kind.STATE_CONFLICT, problem, null, message);
    }

    public String problem() {
        return problem;
    }

    public String field() {
        return field;
    }

    public Kind kind() {
        return kind;
    }
}
