-- The physical standbys of the read side streaming from the server the bridge writes to, and how far
-- each is behind it (see the replica_lag view).
SELECT replica, state, replay_lag_seconds, replay_lag_bytes
FROM agent_state_bridge.replica_lag
WHERE measured_on = 'upstream'
ORDER BY replica
