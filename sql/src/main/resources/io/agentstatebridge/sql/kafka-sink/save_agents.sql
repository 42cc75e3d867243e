-- Records, per agent a sink batch changed, its partition and its last applied change. Parameters:
-- source name, then same-length arrays: agent ids, topics, partitions, transaction ids, lsns (text).
INSERT INTO agent_state_bridge.sink_agent_position AS a (source_name, agent_id, topic, kafka_partition, last_txid, lsn)
SELECT ?, t.agent_id, t.topic, t.kafka_partition, t.txid, t.lsn::pg_lsn
FROM unnest(?::text[], ?::text[], ?::int[], ?::bigint[], ?::text[]) AS t(agent_id, topic, kafka_partition, txid, lsn)
ON CONFLICT (source_name, agent_id) DO UPDATE SET
    topic           = EXCLUDED.topic,
    kafka_partition = EXCLUDED.kafka_partition,
    last_txid       = EXCLUDED.last_txid,
    lsn             = EXCLUDED.lsn
