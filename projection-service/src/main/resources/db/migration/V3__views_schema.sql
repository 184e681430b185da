-- Every view lives in schema "views", so that a rebuild can fill a twin schema from the topic and swap
-- it in with two renames in one transaction. Flyway's own history stays in "public".
CREATE SCHEMA views;
ALTER TABLE public.consumer_position SET SCHEMA views;
ALTER TABLE public.agreement_view SET SCHEMA views;
ALTER TABLE public.agreement_history SET SCHEMA views;
ALTER TABLE public.sequence_gap SET SCHEMA views;
ALTER TABLE public.transfer_view SET SCHEMA views;
ALTER TABLE public.fee_balance SET SCHEMA views;

-- A transfer id is unique within its agreement, not across agreements.
ALTER TABLE views.transfer_view DROP CONSTRAINT transfer_view_pkey;
ALTER TABLE views.transfer_view ADD PRIMARY KEY (agreement_id, transfer_id);

-- Who caused each event, as the ledger publishes it (ce_principal, ce_country).
ALTER TABLE views.agreement_history ADD COLUMN principal VARCHAR(255);
ALTER TABLE views.agreement_history ADD COLUMN country CHAR(2);

-- The order in which events were applied, across agreements: the id of live feed entries, so that a
-- subscriber that reconnects with Last-Event-ID gets exactly what it missed.
ALTER TABLE views.agreement_history ADD COLUMN feed_id BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX agreement_history_feed ON views.agreement_history (feed_id);
