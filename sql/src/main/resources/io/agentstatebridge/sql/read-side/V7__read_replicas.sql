-- Read replicas: physical standbys of the read database (PostgreSQL streaming replication), which
-- readers query as they query the read side itself. A standby replays the read side's WAL commit by
-- commit, so readers there see whole source transactions, and await_applied and visible_lsn answer
-- from the replayed source_position: no change to them was needed. What was missing is how far a
-- standby is behind the read side itself, which this view reports wherever it is queried:
--
--   on a standby: one row about that standby, measured by itself (measured_on = 'replica');
--   on the read side's primary (or any server that streams WAL to standbys): one row per standby
--   streaming from it, measured by the sender (measured_on = 'upstream'), from pg_stat_replication.
--
-- replay_lag_seconds is how long ago the newest read-side commit the standby has replayed was made,
-- 0 once it has replayed everything it received while still receiving. The bridge writes its status
-- on the primary every second, so a standby that stops replaying shows a lag that grows. The lag of
-- the source itself, end to end, is agent_state_bridge.replication_lag queried on the standby: it
-- computes the age of the newest source commit visible there.
--
-- A function running as its owner, because pg_stat_replication and pg_stat_wal_receiver show their
-- figures only to superusers and members of pg_read_all_stats; the view is what readers query.
CREATE FUNCTION agent_state_bridge.replica_lag()
RETURNS TABLE (replica            TEXT,
               measured_on        TEXT,
               state              TEXT,
               replay_lag_seconds DOUBLE PRECISION,
               replay_lag_bytes   NUMERIC)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    -- This server is a standby. Its name is its cluster_name, which its WAL receiver also gives the
    -- primary as application_name unless primary_conninfo names another.
    SELECT NULLIF(current_setting('cluster_name'), ''),
           'replica',
           COALESCE(r.status, 'not receiving'),
           CASE WHEN r.status = 'streaming' AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::DOUBLE PRECISION
           END,
           pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
    FROM (SELECT 1) AS this_server
    LEFT JOIN pg_stat_wal_receiver r ON true
    WHERE pg_is_in_recovery()
    UNION ALL
    -- The standbys this server sends WAL to. A standby that has replayed everything written is not
    -- behind, whatever replay_lag says: PostgreSQL keeps showing the last lag it measured (the time
    -- WAL took to be replayed) until newer WAL is replayed, and shows NULL once idle for a while.
    SELECT s.application_name,
           'upstream',
           s.state,
           CASE WHEN s.replay_lsn >= w.position THEN 0
                ELSE EXTRACT(EPOCH FROM s.replay_lag)::DOUBLE PRECISION
           END,
           GREATEST(pg_wal_lsn_diff(w.position, s.replay_lsn), 0)
    FROM pg_stat_replication s
    CROSS JOIN (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                            ELSE pg_current_wal_lsn() END AS position) w
    -- Physical replication only: a logical decoding session (a bridge reading this server, say) is
    -- connected to a database, and a base backup being taken is not a standby yet.
    WHERE s.state <> 'backup'
      AND s.pid IN (SELECT a.pid FROM pg_stat_activity a WHERE a.backend_type = 'walsender' AND a.datid IS NULL)
$$;

CREATE VIEW agent_state_bridge.replica_lag AS
SELECT replica, measured_on, state, replay_lag_seconds, replay_lag_bytes
FROM agent_state_bridge.replica_lag();

COMMENT ON VIEW agent_state_bridge.replica_lag IS
    'How far physical standbys of the read database are behind it: on a standby, that standby '
    '(measured_on = replica); on the primary, each standby streaming from it (measured_on = upstream).';
