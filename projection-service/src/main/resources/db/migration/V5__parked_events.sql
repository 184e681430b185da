-- Records the projection could not apply, and the later events of their agreements held behind them. They live
-- with the views they are missing from (schema "views"): a rebuild replays the topic into a new "views" schema and
-- parks there again what still fails, so after the swap this table describes exactly the views in place.
CREATE TABLE views.parked_event (
    topic           VARCHAR(255) NOT NULL,
    kafka_partition INTEGER      NOT NULL,
    kafka_offset    BIGINT       NOT NULL,
    -- NULL when the record's envelope (its ce_* headers) could not be read
    agreement_id    VARCHAR(36),
    sequence        BIGINT,
    event_type      TEXT,
    -- FAILED: applying this record failed; HELD: an earlier event of its agreement is parked
    reason          VARCHAR(16)  NOT NULL,
    error           TEXT         NOT NULL,
    parked_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);

CREATE INDEX parked_event_agreement ON views.parked_event (agreement_id, sequence);
