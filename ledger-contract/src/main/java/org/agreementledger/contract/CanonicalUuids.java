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
        // read in the one pass that checks it: an auditor reads a million of them
        long high = 0;
        long low = 0;
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return null;
            }
            if (i < 18) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new UUID(high, low);
    }
}
