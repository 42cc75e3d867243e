-- Removes the rows of instances silent for a day: they tell nobody anything any more.
-- Parameter: bridge name.
DELETE FROM agent_state_bridge.instances
WHERE bridge_name = ?
  AND updated_at < clock_timestamp() - INTERVAL '1 day'
