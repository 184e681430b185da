-- Finds the keys older than ledger.idempotency.retention without reading the whole table. Keys are appended in the
-- order they are claimed, so a BRIN index (a few pages, next to nothing for a claim to keep) narrows the sweep to
-- the oldest blocks.
CREATE INDEX idempotency_key_created_at ON idempotency_key USING brin (created_at);
