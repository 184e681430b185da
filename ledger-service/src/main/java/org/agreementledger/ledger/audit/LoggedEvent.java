package org.agreementledger.ledger.audit;

/** An event's place in the transparency log: what a command's answer carries as its receipt. */
public record LoggedEvent(long sequence, String hash, long logIndex) {
}
