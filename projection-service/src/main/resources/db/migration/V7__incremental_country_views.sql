-- A country's commitments view reads what its transfers have used instead of recounting every transfer of every
-- agreement of the country on each read: the counts below are kept up to date as events are applied.

-- Each transfer's share of its receiver's accept commitments, as Coverage counts it (period '' for a commitment
-- without capacity): what is taken back from commitment_use when the transfer is corrected or cancelled.
CREATE TABLE views.transfer_coverage (
    agreement_id VARCHAR(36) NOT NULL,
    transfer_id  VARCHAR(36) NOT NULL,
    receiver     CHAR(2)     NOT NULL,
    commitment   INTEGER     NOT NULL,
    period       TEXT        NOT NULL,
    persons      BIGINT      NOT NULL,
    PRIMARY KEY (agreement_id, transfer_id, commitment, period)
);

-- Per agreement, receiver, accept commitment and period: the transfers (not cancelled) to the receiver in that period
-- and the persons the commitment took of them. A row exists only while it counts at least one transfer.
CREATE TABLE views.commitment_use (
    agreement_id VARCHAR(36) NOT NULL,
    receiver     CHAR(2)     NOT NULL,
    commitment   INTEGER     NOT NULL,
    period       TEXT        NOT NULL,
    transfers    BIGINT      NOT NULL,
    persons      BIGINT      NOT NULL,
    PRIMARY KEY (agreement_id, receiver, commitment, period)
);
CREATE INDEX commitment_use_receiver ON views.commitment_use (receiver);

-- Per agreement, receiving country and calendar month: the transfers that are not cancelled (volume commitments).
CREATE TABLE views.transfer_month (
    agreement_id VARCHAR(36) NOT NULL,
    to_country   CHAR(2)     NOT NULL,
    month        TEXT        NOT NULL,
    transfers    BIGINT      NOT NULL,
    PRIMARY KEY (agreement_id, to_country, month)
);
CREATE INDEX transfer_month_country ON views.transfer_month (to_country);

INSERT INTO views.transfer_month (agreement_id, to_country, month, transfers)
SELECT agreement_id, to_country, to_char(transfer_date, 'YYYY-MM'), count(*) FROM views.transfer_view
WHERE status <> 'CANCELLED' GROUP BY 1, 2, 3;
