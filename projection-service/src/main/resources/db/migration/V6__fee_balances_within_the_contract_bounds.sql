-- An amount in an event has up to 22 digits before the decimal point (ContractLimits: a stated amount below 10^15
-- times the people of one transfer), and a balance sums many of them. NUMERIC(20, 4) held less than 10^16: a larger
-- assessment failed with "numeric field overflow" and was parked. 36 digits before the point hold any sum of them.
ALTER TABLE views.fee_balance
    ALTER COLUMN assessed TYPE NUMERIC(40, 4),
    ALTER COLUMN paid     TYPE NUMERIC(40, 4);
