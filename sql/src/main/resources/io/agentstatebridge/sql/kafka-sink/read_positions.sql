-- The next offset to apply of each partition of a source and topic the sink has positions for, for
-- a task to seek to when partitions are assigned to it. Parameters: source name, topics (text[]).
SELECT topic, kafka_partition, next_offset
FROM agent_state_bridge.sink_partition_position
WHERE source_name = ? AND topic = ANY (?::text[])
