package org.agreementledger.ledger.axon;

import org.axonframework.common.IdentifierFactory;
import org.axonframework.messaging.GenericMessage;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RandomIdentifierFactoryTest {

    @Test
    void axonsMessagesTakeTheirIdentifiersFromEachThreadsOwnGenerator() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(RandomIdentifierFactory.class);
        String identifier = new GenericMessage<>("payload").getIdentifier();
        assertThat(UUID.fromString(identifier).version()).isEqualTo(4);
    }
}
