-- Every process running a bridge, active or standby, keeps its own row here, refreshed every
-- second, so operators see which instance streams and which are ready to take over. A restarted
-- process is a new instance; rows silent for a day are removed by the instances still running.
-- The status table keeps describing the bridge itself, written by the active instance only.

CREATE TABLE agent_state_bridge.instances (
    bridge_name TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('active', 'standby')),
    state       TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bridge_name, instance_id)
);

-- Which instance wrote the status row.
ALTER TABLE agent_state_bridge.status ADD COLUMN instance_id TEXT;

-- Staleness is computed when read: an instance killed or cut off stops refreshing its row and
-- shows as stale 15 s later, the silence after which `status` calls a bridge not running. A
-- stale row keeps the role and state it last reported.
CREATE VIEW agent_state_bridge.instance_status AS
SELECT bridge_name, instance_id, role, state, host, pid, started_at, updated_at,
       EXTRACT(EPOCH FROM clock_timestamp() - updated_at)::DOUBLE PRECISION AS silent_seconds,
       clock_timestamp() - updated_at > INTERVAL '15 seconds'                AS stale
FROM agent_state_bridge.instances;
