package org.agreementledger.ledger.command;

import org.agreementledger.contract.AgreementId;

/**
 * A command on an agreement. {@code expectedVersion} is the version (the sequence number of its last event, the
 * ETag) the caller based it on; null when the caller does not care, and for an offer, which creates the agreement.
 */
public interface AgreementCommand {

    AgreementId agreementId();

    Long expectedVersion();

    /** Who may send it; checked by the aggregate against the caller's country. */
    Actor actor();
}
