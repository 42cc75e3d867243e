-- What operators read with any PostgreSQL client: one row per bridge, refreshed every second by
-- the bridge itself, and a view computing lag live (so a stopped bridge shows growing lag).

CREATE TABLE agent_state_bridge.status (
    bridge_name              TEXT PRIMARY KEY,
    state                    TEXT NOT NULL,
    lag_seconds              DOUBLE PRECISION,
    events_applied_total     BIGINT NOT NULL,
    events_per_second        DOUBLE PRECISION NOT NULL,
    batches_applied_total    BIGINT NOT NULL,
    rejected_rows_total      BIGINT NOT NULL,
    slot_name                TEXT NOT NULL,
    slot_active              BOOLEAN,
    slot_retained_wal_bytes  BIGINT,
    slot_wal_status          TEXT,
    slot_safe_wal_size_bytes BIGINT,
    snapshot_progress        JSONB,
    last_error               TEXT,
    started_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

-- The read side is as fresh as the newest source commit it has applied: the newest applied
-- transaction, or the newest heartbeat (written on the source every second), whichever is later.
-- Idle and caught up, lag stays under the heartbeat interval; stopped, it grows.
CREATE VIEW agent_state_bridge.replication_lag AS
SELECT p.bridge_name,
       GREATEST(h.beat_at, p.source_committed_at)                                      AS fresh_as_of,
       EXTRACT(EPOCH FROM clock_timestamp() - GREATEST(h.beat_at, p.source_committed_at)) AS lag_seconds,
       p.lsn                                                                             AS applied_lsn,
       p.applied_at
FROM agent_state_bridge.source_position p
LEFT JOIN agent_state_bridge.heartbeat h ON h.bridge_name = p.bridge_name;
