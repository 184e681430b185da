-- An Idempotency-Key belongs to the caller that used it: the stored key is "<principal> <key>".
ALTER TABLE idempotency_key ALTER COLUMN idempotency_key TYPE VARCHAR(520);
