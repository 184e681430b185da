package org.agreementledger.ledger.axon;

import java.util.function.Supplier;

/**
 * An Idempotency-Key and the answer to store with it, handed from the command's interceptor to the group commit so
 * that the key is written in the same transaction as the command's events. {@code whenTaken} is what the caller gets
 * when another request claimed the key first. The answer ({@code status} …) is null for a command that answers
 * nothing to replay.
 */
public record IdempotencyClaim(String key, String requestHash, String agreementId, Integer status, String location,
                               String etag, String body, Supplier<RuntimeException> whenTaken) {

    /** Where the claim waits in the command's unit of work until the events are appended. */
    public static final String RESOURCE = IdempotencyClaim.class.getName();
}
