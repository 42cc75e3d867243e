-- Records how far a sink batch applied one partition, in the batch's transaction. Parameters: next
-- offset, lsn (text, may be NULL), source commit time (may be NULL), last commit lsn and last change
-- lsn of the connector's sequence (may be NULL), changes applied, then the partition: source name,
-- topic, partition.
UPDATE agent_state_bridge.sink_partition_position AS p SET
    next_offset         = ?,
    lsn                 = GREATEST(p.lsn, ?::pg_lsn),
    source_committed_at = COALESCE(?::timestamptz, p.source_committed_at),
    last_commit_lsn     = COALESCE(?, p.last_commit_lsn),
    last_change_lsn     = COALESCE(?, p.last_change_lsn),
    applied_at          = clock_timestamp(),
    changes_applied     = p.changes_applied + ?
WHERE p.source_name = ? AND p.topic = ? AND p.kafka_partition = ?
