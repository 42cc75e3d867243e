-- What the bridge itself needs on the source, whoever created the write-side tables.
-- The heartbeat table is published with the event tables: a row written here travels through the
-- same replication stream, so its arrival on the read side proves everything before it has arrived.

CREATE TABLE IF NOT EXISTS agent_state_bridge.heartbeat (
    bridge_name TEXT PRIMARY KEY,
    beat_at     TIMESTAMPTZ NOT NULL,
    marker      BIGINT NOT NULL
);
