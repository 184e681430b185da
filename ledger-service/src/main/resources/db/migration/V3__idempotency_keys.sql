-- Idempotency-Key of every accepted POST. The row is written in the command's own transaction, so a
-- key exists exactly when its events do; the response is stored right after, for replay.
CREATE TABLE idempotency_key (
    idempotency_key VARCHAR(200) PRIMARY KEY,
    request_hash    CHAR(64)     NOT NULL,
    agreement_id    VARCHAR(36)  NOT NULL,
    response_status INTEGER,
    response_location TEXT,
    response_etag   VARCHAR(40),
    response_body   TEXT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
