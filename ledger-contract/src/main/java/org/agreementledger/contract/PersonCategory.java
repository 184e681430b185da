package org.agreementledger.contract;

/** Legal category of the people a transfer moves, as agreements name them. */
public enum PersonCategory {
    /** Convicted of a crime (El Salvador's CECOT offer takes only these). */
    CONVICTED_CRIMINAL,
    /** Member of a criminal gang named by an agreement, e.g. MS-13, Tren de Aragua. */
    GANG_MEMBER,
    /** Present without legal status and ordered removed. */
    IRREGULAR_MIGRANT,
    /** Has applied for asylum; transferred to a safe third country. */
    ASYLUM_SEEKER
}
