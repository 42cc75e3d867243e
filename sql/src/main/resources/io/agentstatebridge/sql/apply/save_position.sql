-- Records the source position a batch reaches, in the batch's own transaction.
-- Parameters: bridge name, source offset, lsn (text, may be NULL), source commit time, changes.
INSERT INTO agent_state_bridge.source_position AS p (
    bridge_name, source_offset, lsn, source_committed_at, applied_at, batches_applied, changes_applied)
VALUES (?, ?, ?::pg_lsn, ?, clock_timestamp(), 1, ?)
ON CONFLICT (bridge_name) DO UPDATE SET
    source_offset       = EXCLUDED.source_offset,
    lsn                 = COALESCE(EXCLUDED.lsn, p.lsn),
    source_committed_at = COALESCE(EXCLUDED.source_committed_at, p.source_committed_at),
    applied_at          = EXCLUDED.applied_at,
    batches_applied     = p.batches_applied + 1,
    changes_applied     = p.changes_applied + EXCLUDED.changes_applied
