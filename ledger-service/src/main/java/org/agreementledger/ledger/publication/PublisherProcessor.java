package org.agreementledger.ledger.publication;

/** The tracking processor that publishes to Kafka; its token says what Kafka has committed (checkpoints read it). */
public final class PublisherProcessor {

    public static final String NAME = "kafka-publisher";

    private PublisherProcessor() {
    }
}
