package org.agreementledger.security;

import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's strict firewall with its own header rules, checked by a loop over code points instead of the
 * regular expressions it ships ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*} for names, the same or a tab for
 * values). The firewall checks a header every time it is read, the bearer token's 800 characters included, and the
 * expressions' character classes were the largest single cost of a request in the ledger's profile (about 11 % of
 * its samples; docs/benchmarks.md). HeaderRulesTest holds both rules equal to Spring's for every code point.
 */
final class HeaderRules {

    private HeaderRules() {
    }

    static HttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderRules::allowedName);
        firewall.setAllowedHeaderValues(HeaderRules::allowedValue);
        return firewall;
    }

    /** Every code point assigned in Unicode and not a control character. */
    static boolean allowedName(String name) {
        return allAllowed(name, false);
    }

    /** As a name, but a tab is allowed too. */
    static boolean allowedValue(String value) {
        return allAllowed(value, true);
    }

    private static boolean allAllowed(String text, boolean tab) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int type = Character.getType(c);
            if (type == Character.UNASSIGNED || type == Character.CONTROL && !(tab && c == '\t')) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }
}
