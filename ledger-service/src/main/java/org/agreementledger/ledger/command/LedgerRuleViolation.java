package org.agreementledger.ledger.command;

/**
 * A command broke a rule of the ledger. {@code problem} is the stable slug of the rule's problem type
 * (its URI is {@code <problem base>/<problem>}); {@code field} names the part of the request at fault.
 */
public class LedgerRuleViolation extends RuntimeException {

    private final String problem;
    private final String field;
    private final Kind kind;

    /**
     * What kind of refusal: a malformed request (400), a caller acting beyond its rights (403), something unknown
     * within a known agreement (404), a broken rule (422),
     * the agreement's state (409), or a stale version (412).
     */
    public enum Kind { MALFORMED, FORBIDDEN, NOT_FOUND, RULE_BROKEN, STATE_CONFLICT, VERSION_MISMATCH }

    public LedgerRuleViolation(Kind kind, String problem, String field, String message) {
        super(message);
        this.kind = kind;
        this.problem = problem;
        this.field = field;
    }

    public static LedgerRuleViolation rule(String problem, String field, String message) {
        return new LedgerRuleViolation(Kind.RULE_BROKEN, problem, field, message);
    }

    public static LedgerRuleViolation malformed(String problem, String field, String message) {
        return new LedgerRuleViolation(Kind.MALFORMED, problem, field, message);
    }

    public static LedgerRuleViolation forbidden(String problem, String field, String message) {
        return new LedgerRuleViolation(Kind.FORBIDDEN, problem, field, message);
    }

    public static LedgerRuleViolation notFound(String problem, String field, String message) {
        return new LedgerRuleViolation(Kind.NOT_FOUND, problem, field, message);
    }

    public static LedgerRuleViolation conflict(String problem, String message) {
        return new LedgerRuleViolation(Kind.STATE_CONFLICT, problem, null, message);
    }

    public static LedgerRuleViolation staleVersion(long expected, long actual) {
        return new LedgerRuleViolation(Kind.VERSION_MISMATCH, "version-mismatch", "If-Match",
                "The agreement is at version " + actual + ", not " + expected + "; read it again and retry.");
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
