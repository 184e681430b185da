-- Runs once, on the first start of an empty data volume (docker-entrypoint-initdb.d).
-- Each service owns its own database and role, as in production: the projection can never
-- read or write the ledger's event store.
-- Since PostgreSQL 15 the public schema belongs to the database owner, so owning the
-- database is enough for Flyway to create the tables.

CREATE ROLE ledger WITH LOGIN PASSWORD 'ledger';
CREATE DATABASE ledger OWNER ledger;

CREATE ROLE projection WITH LOGIN PASSWORD 'projection';
CREATE DATABASE projection OWNER projection;
