-- Parameters: token, timeout in milliseconds, bridge name (NULL: the only one).
SELECT agent_state_bridge.await_applied(?::pg_lsn, ?, ?)::text
