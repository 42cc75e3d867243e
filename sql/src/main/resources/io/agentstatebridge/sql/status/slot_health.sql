-- The replication slot as the source reports it, on the source. Parameter: slot name.
-- Retained WAL: the current WAL position minus the position the bridge has confirmed.
SELECT active,
       pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,
       wal_status,
       safe_wal_size
FROM pg_replication_slots
WHERE slot_name = ?
