-- Snapshots are derived from the events. Until now each held every transfer's headcounts (30 MB for an agreement of
-- 3,200 transfers of 100 lines); from this version a transfer in a snapshot keeps its persons and what each capacity
-- took, and the agreement keeps a tally per capacity and period. Old snapshots have the old shape: drop them, and the
-- next command on each agreement replays its events and snapshots anew. The events stay as they were.
DELETE FROM snapshotevententry;
