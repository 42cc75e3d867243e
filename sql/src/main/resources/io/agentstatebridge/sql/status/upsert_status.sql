-- Writes the bridge's row of the status table, once a second, from the active instance only.
-- Parameters, in column order: bridge name, state, lag seconds, events applied, events per second,
-- batches applied, rejected rows, slot name, slot active, slot retained WAL bytes, slot wal_status,
-- slot safe WAL size bytes, snapshot progress (JSON text), last error, started at, updated at,
-- instance id. A NULL figure means unknown, and replaces the last one known.
INSERT INTO agent_state_bridge.status AS s (
    bridge_name, state, lag_seconds, events_applied_total, events_per_second, batches_applied_total,
    rejected_rows_total, slot_name, slot_active, slot_retained_wal_bytes, slot_wal_status,
    slot_safe_wal_size_bytes, snapshot_progress, last_error, started_at, updated_at, instance_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
ON CONFLICT (bridge_name) DO UPDATE SET
    state                    = EXCLUDED.state,
    lag_seconds              = EXCLUDED.lag_seconds,
    events_applied_total     = EXCLUDED.events_applied_total,
    events_per_second        = EXCLUDED.events_per_second,
    batches_applied_total    = EXCLUDED.batches_applied_total,
    rejected_rows_total      = EXCLUDED.rejected_rows_total,
    slot_name                = EXCLUDED.slot_name,
    slot_active              = EXCLUDED.slot_active,
    slot_retained_wal_bytes  = EXCLUDED.slot_retained_wal_bytes,
    slot_wal_status          = EXCLUDED.slot_wal_status,
    slot_safe_wal_size_bytes = EXCLUDED.slot_safe_wal_size_bytes,
    snapshot_progress        = EXCLUDED.snapshot_progress,
    last_error               = EXCLUDED.last_error,
    started_at               = EXCLUDED.started_at,
    updated_at               = EXCLUDED.updated_at,
    instance_id              = EXCLUDED.instance_id
