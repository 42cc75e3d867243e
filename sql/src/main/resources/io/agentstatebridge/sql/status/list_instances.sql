-- Every instance of a bridge the read side knows, live ones first. Parameter: bridge name.
SELECT instance_id, role, state, host, pid, started_at, updated_at, silent_seconds, stale
FROM agent_state_bridge.instance_status
WHERE bridge_name = ?
ORDER BY stale, role, started_at
