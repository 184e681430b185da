package org.agreementledger.contract;

import java.util.Objects;
import java.util.UUID;

/**
 * What the text of every id in the contract must be: a UUID as Java reads one, which is laxer than the spelling the
 * ledger writes ({@link CanonicalUuids}) so that events recorded before that spelling was required stay readable.
 */
final class UuidText {

    private UuidText() {
    }

    static boolean isUuid(String value) {
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @param name how the id is named in the message */
    static void require(String value, String name) {
        Objects.requireNonNull(value, name);
        if (!isUuid(value)) {
            throw new IllegalArgumentException(name + " must be a UUID, got '" + value + "'");
        }
    }
}
