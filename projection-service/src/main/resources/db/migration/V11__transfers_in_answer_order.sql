-- An agreement's transfers are answered a chunk at a time in (transfer_date, recorded_sequence) order, each chunk
-- starting after the last one sent: an index in that whole order finds each chunk's start, where the one on
-- (agreement_id, transfer_date) alone read every transfer of a busy day again for every chunk.
CREATE INDEX transfer_view_answer_order ON views.transfer_view (agreement_id, transfer_date, recorded_sequence);
DROP INDEX IF EXISTS views.transfer_view_agreement;
