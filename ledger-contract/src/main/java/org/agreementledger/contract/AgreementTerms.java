package org.agreementledger.contract;

import java.util.List;
import java.util.Objects;

/** What is offered: a title, each party's commitments, the fee schedules and the validity. */
public record AgreementTerms(String title, List<Commitment> commitments, List<FeeSchedule> feeSchedules,
                             Validity validity) {

    public AgreementTerms {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(validity, "validity");
        commitments = commitments == null ? List.of()
                : List.copyOf(ContractLimits.requireSize(commitments, ContractLimits.MAX_COMMITMENTS, "commitments"));
        feeSchedules = feeSchedules == null ? List.of()
                : List.copyOf(ContractLimits.requireSize(feeSchedules, ContractLimits.MAX_FEE_SCHEDULES, "feeSchedules"));
    }
}
