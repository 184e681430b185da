-- A country's commitments view counted its agreements per status, and found those holding its commitments, by reading
-- every agreement it is party to: 1-2 s a read for a country party to a million agreements. The counts are now kept as
-- events are applied, and the commitments are found through an index of their parties.

-- While a batch is applied: an agreement's status before the batch's first change to it (the projector sets it, the
-- country counts read and clear it in the same transaction). NULL at rest.
ALTER TABLE views.agreement_view ADD COLUMN status_before_batch VARCHAR(32);

-- Per country, status and partition of the topic: the agreements the country is party to that have that status. Each
-- partition's events are applied by one transaction at a time, so two partitions never wait for each other's row; a
-- reader adds the partitions up.
CREATE TABLE views.country_status (
    country         CHAR(2)     NOT NULL,
    status          VARCHAR(32) NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    agreements      BIGINT      NOT NULL,
    PRIMARY KEY (country, status, kafka_partition)
);

INSERT INTO views.country_status (country, status, kafka_partition, agreements)
SELECT party, a.status, coalesce(latest.kafka_partition, 0), count(*)
FROM views.agreement_view a
CROSS JOIN LATERAL (SELECT DISTINCT jsonb_array_elements_text(a.parties)) p (party)
LEFT JOIN LATERAL (SELECT h.kafka_partition FROM views.agreement_history h WHERE h.agreement_id = a.agreement_id
                   ORDER BY h.sequence DESC LIMIT 1) latest ON true
GROUP BY 1, 2, 3;

CREATE INDEX agreement_view_commitments ON views.agreement_view USING GIN ((terms -> 'commitments') jsonb_path_ops);
