package org.agreementledger.ledger.agreement;

import org.agreementledger.contract.AgreementId;
import org.agreementledger.contract.Headcount;

import java.util.List;

/**
 * The headcounts an event of an agreement recorded. The aggregate keeps only what its rules need of a transfer
 * ({@link TransferBook}); a correction is compared with the counts it would replace, read from the event that set them.
 */
interface RecordedHeadcounts {

    /** The headcounts of the agreement's event at {@code sequence}, a {@code TransferRecorded} or {@code TransferCorrected}. */
    List<Headcount> of(AgreementId agreementId, long sequence);
}
