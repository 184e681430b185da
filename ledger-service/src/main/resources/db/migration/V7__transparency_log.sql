-- The transparency log (docs/audit.md, "The transparency log"): one Merkle tree over every event in the order the
-- ledger committed them. Each event appended gets the next index when its transaction commits (a deferred trigger,
-- so the one lock on the log's size is taken last and held only through the commit), in the same transaction as the
-- event itself: an event is in the event store if and only if it has its leaf.
CREATE TABLE transparency_log_size (
    id   BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    size BIGINT  NOT NULL
);

-- A leaf's entry is the event's hash (32 bytes); the tree hashes it as SHA-256(0x00 || hash). The causation (the
-- command that appended the event) finds a command's events for its receipt.
CREATE TABLE transparency_log_leaf (
    log_index    BIGINT       PRIMARY KEY,
    agreement_id VARCHAR(255) NOT NULL,
    sequence     BIGINT       NOT NULL,
    event_hash   BYTEA        NOT NULL,
    causation_id VARCHAR(255),
    CONSTRAINT transparency_log_leaf_event UNIQUE (agreement_id, sequence)
);

-- The events already recorded, in the order the event store numbered them (events of the first version, before
-- the hash chain, have no hash and are not in the log).
INSERT INTO transparency_log_leaf (log_index, agreement_id, sequence, event_hash, causation_id)
SELECT row_number() OVER (ORDER BY globalindex) - 1, aggregateidentifier, sequencenumber,
       decode(convert_from(metadata, 'UTF8')::jsonb ->> 'hash', 'hex'),
       convert_from(metadata, 'UTF8')::jsonb ->> 'causationId'
FROM domainevententry WHERE convert_from(metadata, 'UTF8')::jsonb ->> 'hash' IS NOT NULL;
INSERT INTO transparency_log_size (size) SELECT count(*) FROM transparency_log_leaf;

CREATE FUNCTION transparency_log_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    meta       JSONB := convert_from(NEW.metadata, 'UTF8')::jsonb;
    event_hash TEXT := meta ->> 'hash';
    next_index BIGINT;
BEGIN
    IF event_hash IS NOT NULL THEN
        UPDATE transparency_log_size SET size = size + 1 RETURNING size - 1 INTO next_index;
        INSERT INTO transparency_log_leaf (log_index, agreement_id, sequence, event_hash, causation_id)
        VALUES (next_index, NEW.aggregateidentifier, NEW.sequencenumber, decode(event_hash, 'hex'),
                meta ->> 'causationId');
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER transparency_log_append AFTER INSERT ON domainevententry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION transparency_log_append();

-- The hashes of the tree's complete subtrees (level 0: the leaf hashes), kept by the ledger as leaves arrive: every
-- tree head and proof is O(log n) of them.
CREATE TABLE transparency_log_node (
    level      SMALLINT NOT NULL,
    node_index BIGINT   NOT NULL,
    hash       BYTEA    NOT NULL,
    PRIMARY KEY (level, node_index)
);

-- How many leaves the node table covers, and the signed tree heads (C2SP tlog-checkpoint notes).
CREATE TABLE transparency_log_checkpoint (
    tree_size  BIGINT      PRIMARY KEY,
    note       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE transparency_log_integrated (
    id   BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    size BIGINT  NOT NULL
);
INSERT INTO transparency_log_integrated (size) VALUES (0);
