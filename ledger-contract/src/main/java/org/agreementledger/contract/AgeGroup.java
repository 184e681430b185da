package org.agreementledger.contract;

/** Whether the people counted are adults or minors; added in schema version 2 of the transfer events. */
public enum AgeGroup {
    ADULT,
    MINOR,
    /** Not stated; every headcount recorded before version 2 reads as this. */
    NOT_RECORDED
}
