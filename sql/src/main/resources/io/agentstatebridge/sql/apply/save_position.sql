-- Records the source position a batch (or a load) reaches, in its own transaction. Parameters:
-- bridge name, source offset, lsn (text, may be NULL), source commit time, changes. The read side
-- is then complete up to that lsn: visible_lsn, which readers wait for, follows it.
INSERT INTO agent_state_bridge.source_position AS p (
    bridge_name, source_offset, lsn, source_committed_at, applied_at, batches_applied, changes_applied, visible_lsn)
SELECT v.bridge, v.source_offset, v.lsn::pg_lsn, v.committed_at, clock_timestamp(), 1, v.changes, v.lsn::pg_lsn
FROM (VALUES (?, ?, ?, ?::timestamptz, ?::bigint)) AS v(bridge, source_offset, lsn, committed_at, changes)
ON CONFLICT (bridge_name) DO UPDATE SET
    source_offset       = EXCLUDED.source_offset,
    lsn                 = COALESCE(EXCLUDED.lsn, p.lsn),
    source_committed_at = COALESCE(EXCLUDED.source_committed_at, p.source_committed_at),
    applied_at          = EXCLUDED.applied_at,
    batches_applied     = p.batches_applied + 1,
    changes_applied     = p.changes_applied + EXCLUDED.changes_applied,
    visible_lsn         = GREATEST(p.visible_lsn, EXCLUDED.lsn)
