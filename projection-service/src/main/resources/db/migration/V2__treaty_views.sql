-- The treaty domain's views. Views are derived data: this migration drops them and forgets the consumer
-- positions, so the service replays the topic from the beginning and rebuilds everything.
DELETE FROM consumer_position;
DELETE FROM sequence_gap;
DELETE FROM agreement_history;
DROP TABLE agreement_view;

CREATE TABLE agreement_view (
    agreement_id     VARCHAR(36)  PRIMARY KEY,
    offering_party   CHAR(2)      NOT NULL,
    parties          JSONB        NOT NULL,
    title            TEXT         NOT NULL,
    offered_on       DATE         NOT NULL,
    status           VARCHAR(32)  NOT NULL,
    terms            JSONB        NOT NULL,
    accepted_by      JSONB        NOT NULL DEFAULT '[]',
    in_force_on      DATE,
    ended_on         DATE,
    source_reference TEXT,
    version          BIGINT       NOT NULL,
    last_event_at    TIMESTAMPTZ  NOT NULL
);

CREATE INDEX agreement_view_parties ON agreement_view USING GIN (parties);

CREATE TABLE transfer_view (
    transfer_id      VARCHAR(36)  PRIMARY KEY,
    agreement_id     VARCHAR(36)  NOT NULL,
    from_country     CHAR(2)      NOT NULL,
    to_country       CHAR(2)      NOT NULL,
    transfer_date    DATE         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    persons          INTEGER      NOT NULL,
    headcounts       JSONB        NOT NULL,
    reference        TEXT,
    recorded_sequence BIGINT      NOT NULL,
    corrections      JSONB        NOT NULL DEFAULT '[]',
    completed_on     DATE,
    cancelled_on     DATE
);

CREATE INDEX transfer_view_agreement ON transfer_view (agreement_id, transfer_date);

-- Per agreement, payer, payee and currency: exact decimal sums, never floating point.
CREATE TABLE fee_balance (
    agreement_id VARCHAR(36)    NOT NULL,
    payer        CHAR(2)        NOT NULL,
    payee        CHAR(2)        NOT NULL,
    currency     CHAR(3)        NOT NULL,
    assessed     NUMERIC(20, 4) NOT NULL DEFAULT 0,
    paid         NUMERIC(20, 4) NOT NULL DEFAULT 0,
    PRIMARY KEY (agreement_id, payer, payee, currency)
);
