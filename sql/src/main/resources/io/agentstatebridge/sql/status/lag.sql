-- The bridge's lag as the read side computes it (see the replication_lag view). Parameter: bridge name.
SELECT lag_seconds FROM agent_state_bridge.replication_lag WHERE bridge_name = ?
