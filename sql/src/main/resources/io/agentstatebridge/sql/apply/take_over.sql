-- Takes over applying for a bridge name: raises its leader epoch, creating the position row when
-- the bridge has none yet (no position: source_offset stays NULL). Parameter: the bridge name.
-- Returns the new epoch. Waits for a batch another instance has in flight, so whatever that batch
-- commits is seen by the offset read after this statement.
INSERT INTO agent_state_bridge.source_position AS p (bridge_name, batches_applied, changes_applied, leader_epoch)
VALUES (?, 0, 0, 1)
ON CONFLICT (bridge_name) DO UPDATE SET leader_epoch = p.leader_epoch + 1
RETURNING leader_epoch
