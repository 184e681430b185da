package org.agreementledger.ledger.command;

import org.agreementledger.contract.CountryCode;
import org.agreementledger.contract.TransferId;

/**
 * Who may send a command, as the command itself states it: every {@link AgreementCommand} must say, so a new
 * command cannot compile without deciding it. The aggregate checks it against the verified caller's country.
 */
public sealed interface Actor {

    /** A country acting in its own name: only that country's service may send the command. */
    record Party(CountryCode country, String rule) implements Actor {

        public static Party inItsOwnName(CountryCode country) {
            return new Party(country, "a country acts only in its own name");
        }

        public static Party payer(CountryCode payer) {
            return new Party(payer, "only the payer records its payments");
        }

        public static Party sender(CountryCode sender) {
            return new Party(sender, SENDS_ITS_TRANSFERS);
        }
    }

    /** The country that sent a recorded transfer: only it completes, cancels or corrects it. */
    record SenderOf(TransferId transferId) implements Actor {
    }

    /** The ledger itself (expiry): no caller's service acts, whoever sends it. */
    record Ledger() implements Actor {
    }

    String SENDS_ITS_TRANSFERS = "only the sending country records and updates its transfers";
}
