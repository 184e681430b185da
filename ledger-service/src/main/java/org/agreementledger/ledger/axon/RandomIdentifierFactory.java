package org.agreementledger.ledger.axon;

import org.agreementledger.contract.RandomIds;
import org.axonframework.common.IdentifierFactory;

/**
 * The identifiers Axon gives its messages (commands, events, their unit of work's correlation), random as Axon's
 * default makes them but drawn from {@link RandomIds}' generator of the calling thread, not {@link
 * java.util.UUID#randomUUID()}'s lock shared by every thread. Axon finds it through {@code ServiceLoader}
 * ({@code META-INF/services}).
 */
public final class RandomIdentifierFactory extends IdentifierFactory {

    @Override
    public String generateIdentifier() {
        return RandomIds.next().toString();
    }
}
