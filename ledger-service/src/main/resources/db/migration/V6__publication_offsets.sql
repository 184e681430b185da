-- Where the publisher's last committed Kafka transaction ended in each partition, stored in the same database
-- transaction as its tracking token. After a crash or a failed batch the publisher reads the topic from here to its
-- end and does not send again what is already there (docs/reliability.md, "No event on the topic twice").
CREATE TABLE published_offset (
    topic       VARCHAR(249) NOT NULL,
    kafka_partition INTEGER  NOT NULL,
    next_offset BIGINT       NOT NULL,
    PRIMARY KEY (topic, kafka_partition)
);

-- The highest event-store position whose event Kafka has committed, for the lag metrics.
CREATE TABLE publication_progress (
    topic         VARCHAR(249) PRIMARY KEY,
    last_position BIGINT       NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
