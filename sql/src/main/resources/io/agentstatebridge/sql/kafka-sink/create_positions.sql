-- Creates the positions of partitions a sink batch touches for the first time (nothing applied: next
-- offset 0). Parameters: source name, topics (text[]), partitions (int[]), same length.
INSERT INTO agent_state_bridge.sink_partition_position AS p (source_name, topic, kafka_partition, next_offset, applied_at)
SELECT ?, t.topic, t.kafka_partition, 0, clock_timestamp()
FROM unnest(?::text[], ?::int[]) AS t(topic, kafka_partition)
ON CONFLICT (source_name, topic, kafka_partition) DO NOTHING
