package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;

/**
 * A command on an existing agreement. {@code expectedVersion} is the version (the sequence number of its
 * last event, the ETag) the caller based it on; null when the caller does not care.
 */
public interface AgreementCommand {

    AgreementId agreementId();

    Long expectedVersion();
}
