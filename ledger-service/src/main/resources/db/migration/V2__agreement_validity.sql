-- Which agreements are in force and until when: the ledger's own small read model, so that it can
-- record AgreementExpired when a validity ends. Written in the same transaction as the events.
CREATE TABLE agreement_validity (
    agreement_id VARCHAR(36) PRIMARY KEY,
    valid_until  DATE,
    active       BOOLEAN NOT NULL DEFAULT false
);

CREATE INDEX agreement_validity_due ON agreement_validity (valid_until) WHERE active;
