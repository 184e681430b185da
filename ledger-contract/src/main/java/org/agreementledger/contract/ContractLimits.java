package org.agreementledger.contract;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;

/**
 * The bounds of every value the ledger records, stated once for every reader: the ledger refuses a request beyond
 * them with a 400 naming the field, and the projection, the rebuild, as-of replays and the auditor are built to hold
 * anything within them (docs/events.md, "Bounds").
 */
public final class ContractLimits {

    /** Digits before the decimal point of an amount a party states (a fee schedule, a payment): below 10^15. */
    public static final int MAX_STATED_AMOUNT_INTEGER_DIGITS = 15;
    /** People in one headcount line, and lines in one transfer: at most 10^7 people per transfer. */
    public static final int MAX_HEADCOUNT = 100_000;
    public static final int MAX_HEADCOUNT_LINES = 100;
    /**
     * Digits before the decimal point of any amount in an event. Assessed fees are a stated amount times the people
     * of a transfer (at most 10^7), so they stay below 10^22.
     */
    public static final int MAX_AMOUNT_INTEGER_DIGITS = MAX_STATED_AMOUNT_INTEGER_DIGITS + 7;
    /** People a capacity allows per period. */
    public static final int MAX_CAPACITY = 1_000_000_000;

    public static final int MAX_TITLE_LENGTH = 500;
    public static final int MAX_REASON_LENGTH = 2_000;
    public static final int MAX_REFERENCE_LENGTH = 1_000;
    public static final int MAX_FACILITY_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2_000;
    /** The caller's principal (its token's subject), which every event records. */
    public static final int MAX_PRINCIPAL_LENGTH = 255;

    /**
     * Every date a request or an event carries lies in years 1 to 9999: the four-digit years of RFC 3339 (and of the
     * API's {@code format: date}), which PostgreSQL's {@code date}, JSON readers and spreadsheets all hold; Java's
     * {@code LocalDate} would take year 999,999,999, which the projection cannot store.
     */
    public static final LocalDate EARLIEST_DATE = LocalDate.of(1, 1, 1);
    public static final LocalDate LATEST_DATE = LocalDate.of(9999, 12, 31);

    public static final int MAX_PARTIES = 50;
    public static final int MAX_COMMITMENTS = 100;
    public static final int MAX_FEE_SCHEDULES = 50;
    public static final int MAX_LISTED_NATIONALITIES = 250;

    private ContractLimits() {
    }

    public static boolean withinDateBounds(LocalDate date) {
        return !date.isBefore(EARLIEST_DATE) && !date.isAfter(LATEST_DATE);
    }

    /** Digits before the decimal point; 0.5 has none. */
    public static int integerDigits(BigDecimal amount) {
        return Math.max(0, amount.precision() - amount.scale());
    }

    /** A text of at most {@code max} characters (null allowed: optional texts are checked where they are required). */
    public static String requireLength(String text, int max, String what) {
        if (text != null && text.length() > max) {
            throw new IllegalArgumentException(what + " has at most " + max + " characters, got " + text.length());
        }
        return text;
    }

    /**
     * Why no reader could hold {@code text}, or null if every reader can: half a character (an unpaired surrogate)
     * has no UTF-8 form and would be hashed as '?'; U+0000 cannot be stored in PostgreSQL's text or JSONB, so the
     * projection would have to park the event.
     */
    public static String unholdable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "holds U+0000 (NUL), which the views cannot store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds an unpaired surrogate (half a character)";
            }
        }
        return null;
    }

    public static <T extends Collection<?>> T requireSize(T items, int max, String what) {
        if (items != null && items.size() > max) {
            throw new IllegalArgumentException(what + " has at most " + max + " entries, got " + items.size());
        }
        return items;
    }
}
