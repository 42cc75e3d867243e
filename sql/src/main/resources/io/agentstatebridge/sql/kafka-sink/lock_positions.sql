-- Locks the positions of every partition a sink batch touches until the batch commits, and returns
-- how far each is applied: two tasks that both believe they own a partition (during a rebalance, or
-- beside a worker presumed dead) apply its records one after the other, and the second skips what the
-- first applied. Locked in one order, so two batches never wait for each other in a cycle.
-- Parameters: topics (text[]), partitions (int[]), same length, then the source name.
SELECT p.topic, p.kafka_partition, p.next_offset, p.last_commit_lsn, p.last_change_lsn
FROM agent_state_bridge.sink_partition_position p
JOIN unnest(?::text[], ?::int[]) AS t(topic, kafka_partition)
  ON t.topic = p.topic AND t.kafka_partition = p.kafka_partition
WHERE p.source_name = ?
ORDER BY p.topic, p.kafka_partition
FOR UPDATE OF p
