-- Every rebuild of the views, beside them rather than in them (a rebuild replaces the schema "views"): any instance
-- answers how the latest went, and one cut short by a crash is still on record. The report is JSON, not JSONB: its
-- steps are listed in the order they ran.
CREATE TABLE public.rebuild_run (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance         TEXT        NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('RUNNING', 'DONE', 'FAILED')),
    started_at       TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ,
    records_replayed BIGINT      NOT NULL DEFAULT 0,
    report           JSON
);
