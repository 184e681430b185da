package org.agreementledger.contract;

public enum Sex {
    MALE,
    FEMALE,
    /** Not reported. */
    UNSPECIFIED
}
