-- A corrected transfer shows the counts first recorded next to the corrections that replaced them.
-- Rows of transfers never corrected get their current counts; corrected ones get theirs at the next rebuild
-- (POST /admin/rebuild), which replays the TransferRecorded event.
ALTER TABLE views.transfer_view ADD COLUMN original_persons INTEGER;
ALTER TABLE views.transfer_view ADD COLUMN original_headcounts JSONB;
UPDATE views.transfer_view SET original_persons = persons, original_headcounts = headcounts WHERE corrections = '[]';
