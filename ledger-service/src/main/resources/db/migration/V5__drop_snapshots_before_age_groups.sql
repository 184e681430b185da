-- Snapshots are derived from the events and hold headcounts in their old shape (no age group, no chain head):
-- drop them; the next command on each agreement replays its events (through the upcaster) and snapshots anew.
-- Only snapshots are touched: the events, the source of truth, stay as they were.
DELETE FROM snapshotevententry;
