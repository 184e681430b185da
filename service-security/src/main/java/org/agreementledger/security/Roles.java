package org.agreementledger.security;

/** The roles a caller's token may carry; each becomes a Spring Security authority of the same name. */
public final class Roles {

    /** A country's integration service: issues commands for its own country. */
    public static final String WRITE = "ledger.write";
    /** An auditor: reads and replays everything, changes nothing. */
    public static final String AUDIT = "ledger.audit";
    /** A dashboard: reads views and subscribes to them. */
    public static final String READ = "ledger.read";
    /** Operations: metrics, projection rebuilds. */
    public static final String ADMIN = "ledger.admin";

    private Roles() {
    }
}
