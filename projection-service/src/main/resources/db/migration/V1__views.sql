-- Views built only from ledger.agreement-events. Nothing here is a source of truth:
-- every row can be rebuilt by replaying the topic.

-- Where the consumer stands in each partition, committed in the same transaction as the views.
CREATE TABLE consumer_position (
    topic       VARCHAR(255) NOT NULL,
    partition   INTEGER      NOT NULL,
    next_offset BIGINT       NOT NULL,
    PRIMARY KEY (topic, partition)
);

CREATE TABLE agreement_view (
    agreement_id   VARCHAR(36)  PRIMARY KEY,
    offering_party CHAR(2)      NOT NULL,
    parties        JSONB        NOT NULL,
    title          TEXT         NOT NULL,
    offered_on     DATE         NOT NULL,
    status         VARCHAR(32)  NOT NULL,
    version        BIGINT       NOT NULL,
    last_event_at  TIMESTAMPTZ  NOT NULL
);

CREATE INDEX agreement_view_parties ON agreement_view USING GIN (parties);

-- Every applied event, in order per agreement: the agreement's timeline, and the dedupe key.
CREATE TABLE agreement_history (
    agreement_id   VARCHAR(36)  NOT NULL,
    sequence       BIGINT       NOT NULL,
    event_id       VARCHAR(64)  NOT NULL UNIQUE,
    type           VARCHAR(64)  NOT NULL,
    occurred_at    TIMESTAMPTZ  NOT NULL,
    correlation_id VARCHAR(128),
    causation_id   VARCHAR(128),
    payload        JSONB        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    kafka_offset   BIGINT       NOT NULL,
    PRIMARY KEY (agreement_id, sequence)
);

-- An event arrived whose predecessor had not: it was held back, not applied, and reported here.
CREATE TABLE sequence_gap (
    agreement_id      VARCHAR(36) NOT NULL,
    expected_sequence BIGINT      NOT NULL,
    received_sequence BIGINT      NOT NULL,
    kafka_partition   INTEGER     NOT NULL,
    kafka_offset      BIGINT      NOT NULL,
    detected_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (agreement_id, received_sequence, kafka_partition, kafka_offset)
);
