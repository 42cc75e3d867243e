-- Records the source position a batch reaches, in the batch's own transaction.
-- Parameters: bridge name, source offset, lsn (text, may be NULL), source commit time, changes,
-- the lsn again when the read side is complete up to it (else NULL), and what the batch does to
-- visible_lsn: 'advance' (the read side is complete up to lsn), 'reset' (a snapshot has just
-- emptied it) or 'keep' (a snapshot is still loading).
INSERT INTO agent_state_bridge.source_position AS p (
    bridge_name, source_offset, lsn, source_committed_at, applied_at, batches_applied, changes_applied, visible_lsn)
VALUES (?, ?, ?::pg_lsn, ?, clock_timestamp(), 1, ?, ?::pg_lsn)
ON CONFLICT (bridge_name) DO UPDATE SET
    source_offset       = EXCLUDED.source_offset,
    lsn                 = COALESCE(EXCLUDED.lsn, p.lsn),
    source_committed_at = COALESCE(EXCLUDED.source_committed_at, p.source_committed_at),
    applied_at          = EXCLUDED.applied_at,
    batches_applied     = p.batches_applied + 1,
    changes_applied     = p.changes_applied + EXCLUDED.changes_applied,
    visible_lsn         = CASE ?::text
                              WHEN 'advance' THEN GREATEST(p.visible_lsn, EXCLUDED.lsn)
                              WHEN 'reset' THEN NULL
                              ELSE p.visible_lsn
                          END
