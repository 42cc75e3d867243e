-- The token for everything this connection has committed: the source's WAL insert position, which
-- is at or past the end of every commit record already written. The second column tells whether
-- the connection is inside a transaction that has written and not yet committed.
SELECT pg_current_wal_insert_lsn()::text, pg_current_xact_id_if_assigned() IS NOT NULL
