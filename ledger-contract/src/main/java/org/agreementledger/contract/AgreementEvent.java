package org.agreementledger.contract;

/**
 * Every event of an agreement's history. The ledger appends them; consumers read them from
 * {@link LedgerTopics#AGREEMENT_EVENTS}, keyed by {@link #agreementId()}.
 */
public sealed interface AgreementEvent permits
        AgreementOffered, OfferAmended, AgreementAccepted, AgreementEnteredIntoForce, AgreementRejected,
        OfferWithdrawn, AgreementSuspended, AgreementResumed, AgreementTerminated, AgreementExpired,
        TransferRecorded, TransferCompleted, TransferCancelled, TransferCorrected,
        FeeAssessed, FeePaymentRecorded {

    AgreementId agreementId();
}
