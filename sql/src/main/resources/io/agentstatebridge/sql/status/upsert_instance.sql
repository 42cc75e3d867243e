-- Writes this instance's row of the instances table, once a second, active or standby alike.
-- Parameters: bridge name, instance id, role, state, host, pid, started at, updated at.
INSERT INTO agent_state_bridge.instances AS i (bridge_name, instance_id, role, state, host, pid, started_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (bridge_name, instance_id) DO UPDATE SET
    role       = EXCLUDED.role,
    state      = EXCLUDED.state,
    updated_at = EXCLUDED.updated_at
