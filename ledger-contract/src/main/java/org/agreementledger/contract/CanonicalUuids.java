package org.agreementledger.contract;

import java.util.UUID;

/**
 * The one spelling of a UUID the ledger writes: 36 characters, lower-case hex, dashes at 8-4-4-4-12. Java reads
 * {@code 1-1-1-1-1}, {@code +1-1-1-1-1} and upper case as the same UUID, but the ledger and every reader compare ids
 * as they were recorded, so only this spelling may stand for its two longs.
 */
public final class CanonicalUuids {

    private CanonicalUuids() {
    }

    /** The UUID {@code text} spells in canonical form, or null when it is spelled any other way (or is none). */
    public static UUID parse(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return UUID.fromString(text);
    }
}
