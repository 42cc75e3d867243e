-- First statement of every batch: locks the bridge's position row until the batch commits, and
-- returns the epoch of the instance that took over last. Parameter: the bridge name. It also pins, for the batch's transaction, the settings that text forms depend on:
-- timestamps read back from the replicas then print in UTC with DateStyle ISO ("0044-03-15
-- 12:00:00+00 BC", "12345-06-07 08:09:10+00", "infinity"), which PostgreSQL reads back exactly.
SELECT leader_epoch,
       set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
       set_config('IntervalStyle', 'postgres', true)
FROM agent_state_bridge.source_position
WHERE bridge_name = ?
FOR UPDATE
